// The first auto-regressor (Yule, 1927): predict the next value of a series from the previous p
// values by a weighted sum, fitted by least squares; forecast by feeding predictions back in, one
// step at a time, exactly as the image models fill in pixels. Chapter 4.
using static TorchSharp.torch;

namespace Workbook.Autoregression;

/// <summary>x[t] ~ Intercept + Weights[0] x[t-1] + ... + Weights[p-1] x[t-p].</summary>
public sealed record AutoRegressor(double Intercept, double[] Weights)
{
    public int Order => Weights.Length;

    /// <summary>Least squares over every t from p on: the columns are x[t-1] .. x[t-p] and a column of ones.</summary>
    public static AutoRegressor Fit(IReadOnlyList<double> series, int order)
    {
        Runtime.Check.InRange("order", order, 1, 50);
        if (series.Count < 2 * order + 2)
            throw new ArgumentException($"a series of {series.Count} values is too short to fit order {order}: give at least {2 * order + 2}.");
        int n = series.Count - order;
        var columns = new double[n, order + 1];
        var next = new double[n];
        for (int t = order; t < series.Count; t++)
        {
            for (int k = 0; k < order; k++) columns[t - order, k] = series[t - 1 - k];
            columns[t - order, order] = 1;
            next[t - order] = series[t];
        }
        using var _ = NewDisposeScope();
        var A = tensor(columns, dtype: float64, device: CPU);                 // (n, p+1)
        var b = tensor(next, dtype: float64, device: CPU).unsqueeze(1);       // (n, 1)
        var solution = linalg.lstsq(A, b).Solution.squeeze(1).data<double>().ToArray();
        return new AutoRegressor(solution[order], solution[..order]);
    }

    /// <summary>The prediction for the value after <paramref name="history"/> (its last Order values are used).</summary>
    public double PredictNext(IReadOnlyList<double> history)
    {
        if (history.Count < Order) throw new ArgumentException($"predicting needs the last {Order} values; {history.Count} given.");
        return Intercept + Weights.Select((w, k) => w * history[history.Count - 1 - k]).Sum();
    }

    /// <summary>Continues the series by <paramref name="steps"/> values, each prediction fed back as the newest value.</summary>
    public double[] Forecast(IReadOnlyList<double> history, int steps)
    {
        var values = history.ToList();
        for (int i = 0; i < steps; i++) values.Add(PredictNext(values));
        return values.Skip(history.Count).ToArray();
    }

    /// <summary>The period of the oscillation an order-2 fit describes, in steps (NaN if it does not oscillate).</summary>
    public double Period()
    {
        if (Order != 2) throw new InvalidOperationException($"the period is defined here for order 2 only (this fit has order {Order}).");
        double a = Weights[0], b = Weights[1];                                  // roots of z^2 - a z - b
        if (a * a + 4 * b >= 0) return double.NaN;
        return 2 * Math.PI / Math.Acos(a / (2 * Math.Sqrt(-b)));
    }
}
