// Writing a file so that an interruption never leaves half of it: the bytes go to NAME.partial, which
// is then renamed over NAME. Exports, images, animations and the runner's records use it; checkpoints
// write their pair the same way (Training/Checkpoint.cs). Chapter 1's exports introduce it.
namespace Workbook.Runtime;

public static class AtomicFile
{
    /// <summary>
    /// Writes bytes to path through a temporary file and a rename; returns the full path. When the write fails (the
    /// path is a folder, the disk is full) the temporary file is deleted, any file already at the path is left as it
    /// was, and an IOException names the path.
    /// </summary>
    public static string Write(string path, byte[] bytes)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw new IOException($"{full} could not be written ({e.Message}). Check that it is not a folder, that its folder is writable and that the disk has space.", e);
        }
    }
}
