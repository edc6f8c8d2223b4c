using System.Globalization;

namespace Platform.Agents.Execution;

/// <summary>
/// Billing transfer ids of a run: <c>agents-{run}-reserve</c>, <c>-capture</c>, <c>-release</c>, and
/// <c>-s{step}-a{attempt}</c> for a step attempt's usage (Billing's rule: 1-128 of [A-Za-z0-9._:-]). Billing's
/// answers carry them, which is how they find the run's saga; and being fixed per run, a repeated command is
/// answered with the first result instead of moving money twice.
/// </summary>
public static class TransferIds
{
    private const string Prefix = "agents-";

    public static string Reserve(Guid runId) => $"{Prefix}{runId:N}-reserve";

    public static string Capture(Guid runId) => $"{Prefix}{runId:N}-capture";

    public static string Release(Guid runId) => $"{Prefix}{runId:N}-release";

    public static string Usage(Guid runId, int stepIndex, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{runId:N}-s{stepIndex}-a{attempt}");

    public static string PlannerUsage(Guid runId, int stepIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{runId:N}-p{stepIndex}");

    /// <summary>The run a transfer id belongs to; <see cref="Guid.Empty"/> for another service's ids (then no saga is found).</summary>
    public static Guid RunOf(string? transferId) =>
        transferId is { Length: >= 39 } && transferId.StartsWith(Prefix, StringComparison.Ordinal) &&
        Guid.TryParseExact(transferId.AsSpan(Prefix.Length, 32), "N", out var runId)
            ? runId
            : Guid.Empty;
}
