// Loaded by every chapter's first cell (#load "workbook.csx"): the core library and what it is built
// on, the notebook kernel's adapter, and the workbook's namespaces for every cell below. Build both
// once with `dotnet build notebooks/Kernel` (the runner and the tests do it for you).
#r "../lib/bin/Workbook.dll"
#r "../lib/bin/TorchSharp.dll"
#r "../lib/bin/Plotly.NET.dll"
#r "Kernel/bin/Workbook.Kernel.dll"
global using System.Diagnostics;
global using TorchSharp;
global using static TorchSharp.torch;
global using Workbook.Autoregression;
global using Workbook.Classroom;
global using Workbook.Conditioning;
global using Workbook.Data;
global using Workbook.Diffusion;
global using Workbook.Display;
global using Workbook.Metrics;
global using Workbook.Models;
global using Workbook.Patches;
global using Workbook.Runtime;
global using Workbook.Training;

// The device every tensor and generator of the chapters goes to, chosen once (Runtime/TorchRuntime.cs):
// write device: device where a cell creates a tensor.
var device = TorchRuntime.Device;
