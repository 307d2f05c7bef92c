// One exception type for a hyperparameter out of range, with a message that names the value,
// says why it is wrong and what is allowed. Every config record validates itself with Check (Check.cs).
namespace Workbook.Runtime;

public sealed class HyperparameterException(string message) : ArgumentException(message);
