// The one exception type every data loader throws for a missing, truncated or corrupt file.
// Its message names the file, says what is wrong and how to get a good copy.
namespace Workbook.Data;

public sealed class DataFileException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem} {HowToRepair}", inner)
{
    public string FilePath { get; } = path;

    public const string HowToRepair =
        "The workbook ships its datasets in the repository's data/ folder; restore it with " +
        "`git checkout -- data` (data/README.md says where each file comes from and lists its SHA-256).";
}
