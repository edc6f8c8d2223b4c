namespace Platform.Benchmarks.Framework;

/// <summary>One named benchmark: measures the platform and its baseline in the same run.</summary>
public interface IScenario
{
    /// <summary>The command-line name, after what it measures (bus, billing, safety, ...).</summary>
    string Name { get; }

    string Description { get; }

    Task<BenchmarkResult> RunAsync(ScenarioContext context);
}

/// <summary>What a scenario gets from the command line and the runner.</summary>
/// <param name="Quick">A short run (smoke test, CI): same phases, far fewer iterations.</param>
/// <param name="Progress">Progress lines; stderr, so stdout carries only the result table.</param>
public sealed record ScenarioContext(bool Quick, TextWriter Progress, CancellationToken CancellationToken);

/// <summary>
/// A service the scenario needs (RabbitMQ, PostgreSQL) is not there. The runner prints the message
/// (which says how to start it) and exits 3 without a stack trace: that is a setup problem, not a bug.
/// </summary>
public sealed class DependencyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
