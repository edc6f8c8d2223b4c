namespace Platform.SafetyGuard.Policies;

/// <summary>What is wrong in a policy document, and where: 1-based line and column, and the field path (<c>actions.tools.http.fetch.risk</c>).</summary>
public sealed record PolicyError(int Line, int Column, string Field, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}, {Field}: {Message}";
}
