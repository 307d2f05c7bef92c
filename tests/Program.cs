// The test assembly's entry point. The test runner never calls it; MemoryTests starts this assembly
// as a child process with --memory-probe so that resident memory is measured in a process of its own.
namespace Workbook.Tests;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.FirstOrDefault() != "--memory-probe")
        {
            Console.Error.WriteLine("This is the test assembly: run `dotnet test Workbook.sln`.");
            return 2;
        }
        Console.WriteLine(MemoryTests.Probe(scoped: args.ElementAtOrDefault(1) != "unscoped"));
        return 0;
    }
}
