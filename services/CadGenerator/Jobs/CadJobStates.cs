namespace Platform.CadGenerator.Jobs;

/// <summary>The public states of a job, in the order a successful one passes them.</summary>
public static class CadJobStates
{
    public const string Queued = "queued";
    public const string Designing = "designing";
    public const string Rendering = "rendering";
    public const string Validating = "validating";
    public const string Done = "done";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Queued, Designing, Rendering, Validating, Done, Failed];
}
