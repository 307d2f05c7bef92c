// Where tensors live and how torch is started: the device is chosen once, here, and every
// model, tensor and generator is created on TorchRuntime.Device. Models are built on the CPU and
// then moved there (so a seed gives the same initial weights on every device); tensors and generators
// are created there directly (device: TorchRuntime.Device, Seeds.Generator). Introduced in chapter 1.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbook.Runtime;

public static class TorchRuntime
{
    static readonly Lazy<Device> chosen = new(() => ChooseDevice(Environment.GetEnvironmentVariable("WORKBOOK_DEVICE")));
    static readonly AsyncLocal<Device?> testDevice = new();

    /// <summary>
    /// The device for the whole workbook: CUDA when a GPU is usable, else the CPU.
    /// Set WORKBOOK_DEVICE=cpu (or cuda) before the first use to choose by hand.
    /// </summary>
    public static Device Device => testDevice.Value ?? chosen.Value;

    /// <summary>
    /// For tests only: makes <see cref="Device"/> answer <paramref name="device"/> in the calling test's flow
    /// (other tests running beside it still see the real one) until the result is disposed. The tests use
    /// torch's "meta" device, which holds no data, to prove without a GPU that everything lands on Device.
    /// </summary>
    internal static IDisposable PretendDevice(Device device)
    {
        testDevice.Value = device;
        return new Restore();
    }

    sealed class Restore : IDisposable
    {
        public void Dispose() => testDevice.Value = null;
    }

    /// <summary>True when WORKBOOK_QUICK=1: notebooks and tests shrink their training to run in seconds.</summary>
    public static bool QuickMode => Environment.GetEnvironmentVariable("WORKBOOK_QUICK") is "1" or "true";

    /// <summary>Picks the full value normally and the quick one in quick mode.</summary>
    public static T FullOrQuick<T>(T full, T quick) => QuickMode ? quick : full;

    /// <summary>
    /// Runs when any Workbook type is first touched. Two fixes for a library loaded with #r into a notebook
    /// kernel: (1) TorchSharp then only looks for its native library beside TorchSharp.dll, not in
    /// runtimes/&lt;rid&gt;/native, so that library is loaded by its full path first; (2) the kernel ships
    /// FSharp.Core 10.0 while Plotly.NET 6 asks for 10.1: it is handed the loaded one. Elsewhere both are harmless.
    /// </summary>
#pragma warning disable CA2255 // a module initialiser is exactly what a library loaded with #r needs here
    [ModuleInitializer]
    internal static void OnLoad()
#pragma warning restore CA2255
    {
        AssemblyLoadContext.Default.Resolving += (_, name) => name.Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
            : null;
        string folder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
        var (rid, file) = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ("win-x64", "LibTorchSharp.dll")
                        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ("osx-arm64", "libLibTorchSharp.dylib")
                        : ("linux-x64", "libLibTorchSharp.so");
        string native = Path.Combine(folder, "runtimes", rid, "native", file);
        // On failure EnsureLoaded reports the cause at the first torch call, in words.
        if (File.Exists(native)) NativeLibrary.TryLoad(native, out _);
    }

    /// <summary>
    /// Loads the native torch library and runs one tiny operation, so a broken install fails here with
    /// one clear message instead of deep inside the first cell that happens to touch a tensor.
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            using var probe = ones(1, device: CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            throw new InvalidOperationException(NativeLoadAdvice(e), e);
        }
    }

    /// <summary>The message shown when the native torch library cannot be loaded (kept apart so it can be tested).</summary>
    public static string NativeLoadAdvice(Exception e)
    {
        var root = e;
        while (root.InnerException is not null) root = root.InnerException;
        string libFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "(unknown)";
        return "TorchSharp could not load its native library (libtorch). " +
               $"It looked next to {libFolder}. Cause: {root.Message} " +
               "Fix: run `dotnet build lib` from the repository root, which copies libtorch for this platform " +
               "into lib/bin and, on Linux with an older libstdc++ (Debian 12, Ubuntu 22.04), makes TorchSharp's " +
               "library accept it (see README, 'Linux note'). Then restart the notebook kernel.";
    }

    /// <summary>The device for a WORKBOOK_DEVICE value: null or "" (automatic), "cpu" or "cuda".</summary>
    public static Device ChooseDevice(string? wanted)
    {
        EnsureLoaded();
        switch (wanted?.ToLowerInvariant())
        {
            case null or "":
                return cuda.is_available() ? CUDA : CPU;
            case "cpu":
                return CPU;
            case "cuda":
                if (!cuda.is_available())
                    throw new InvalidOperationException(
                        "WORKBOOK_DEVICE=cuda, but no CUDA device is usable here. Build with -p:TorchDevice=cuda on a machine " +
                        "with an NVIDIA GPU (see README), or unset WORKBOOK_DEVICE to use the CPU.");
                return CUDA;
            default:
                throw new InvalidOperationException($"WORKBOOK_DEVICE='{wanted}' is not a device this workbook knows. Allowed: cpu, cuda, or unset (automatic).");
        }
    }

    /// <summary>One line for the top of a notebook: device, threads, mode.</summary>
    public static string Describe() =>
        $"TorchSharp on {Device.type.ToString().ToLowerInvariant()}, {get_num_threads()} threads, " +
        (QuickMode ? "quick mode (WORKBOOK_QUICK=1): tiny training, rough figures" : "full mode");
}
