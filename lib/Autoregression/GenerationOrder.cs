// The order in which a generator fills in an image: a list of steps, each naming the pixels it
// fills. Chapter 3 uses raster (reading) order, one pixel per step; later chapters add patches and
// random orders by implementing the same interface.
namespace Workbook.Autoregression;

public interface IGenerationOrder
{
    /// <summary>A short name for charts and captions.</summary>
    string Name { get; }

    /// <summary>
    /// The steps of generation for an image of height x width. Each step lists the flat pixel
    /// indices (row * width + column) filled at that step; together the steps cover every pixel once.
    /// </summary>
    IReadOnlyList<int[]> Steps(int height, int width);
}

/// <summary>Reading order: left to right, top to bottom, one pixel per step.</summary>
public sealed class RasterOrder : IGenerationOrder
{
    public string Name => "raster";

    public IReadOnlyList<int[]> Steps(int height, int width)
    {
        Runtime.Check.Positive("height", height);
        Runtime.Check.Positive("width", width);
        return Enumerable.Range(0, height * width).Select(i => new[] { i }).ToArray();
    }
}
