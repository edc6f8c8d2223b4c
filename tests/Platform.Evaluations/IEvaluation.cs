using System.Text.Json.Nodes;

namespace Platform.Evaluations;

/// <summary>One named quality evaluation: scores the platform and a baseline on a labelled set in the same run.</summary>
public interface IEvaluation
{
    string Name { get; }

    string Description { get; }

    EvaluationResult Run(TextWriter progress);
}

/// <summary>
/// The result in the benchmarks' shape (<c>{"scenario", "headline", "ratio", "results", "baseline", "machine"}</c>,
/// DESIGN.md "Benchmarks and evaluations") and as the Markdown page written to docs/evaluations/.
/// </summary>
public sealed record EvaluationResult(JsonObject Json, string Markdown);
