namespace Platform.CadGenerator.Jobs;

/// <summary>The steps a job's timings and failures are reported by.</summary>
public static class CadJobSteps
{
    public const string Guard = "guard";
    public const string Reserve = "reserve";
    public const string Design = "design";
    public const string Render = "render";
    public const string Validate = "validate";
    public const string Settle = "settle";
    public const string Timeout = "timeout";
}
