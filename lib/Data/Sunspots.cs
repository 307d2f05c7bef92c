// The yearly sunspot numbers 1700-2008 (data/sunspots, public domain): the series Yule fitted the
// first auto-regressive model to, in 1927. Chapter 4.
using System.Globalization;

namespace Workbook.Data;

public static class Sunspots
{
    /// <summary>Years and sunspot numbers, in order.</summary>
    public static (int[] Years, double[] Numbers) Load()
    {
        string path = DataFolder.File("sunspots", "sunspots-yearly.csv");
        if (!File.Exists(path)) throw new DataFileException(path, "the sunspot series is missing. Restore data/sunspots from the repository.");
        var rows = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select((line, i) =>
        {
            var parts = line.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int year)
                || !double.TryParse(parts[1], CultureInfo.InvariantCulture, out double number))
                throw new DataFileException(path, $"line {i + 2} is '{line}'; expected YEAR,SUNACTIVITY.");
            return (year, number);
        }).ToArray();
        return (rows.Select(r => r.year).ToArray(), rows.Select(r => r.number).ToArray());
    }
}
