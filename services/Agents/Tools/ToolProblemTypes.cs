namespace Platform.Agents.Tools;

/// <summary>Problem types specific to the tool registry (stable; clients branch on them).</summary>
public static class ToolProblemTypes
{
    /// <summary>The request tried to change or remove one of the platform's built-in tools.</summary>
    public const string BuiltInTool = "urn:platform:problem:built-in-tool";
}
