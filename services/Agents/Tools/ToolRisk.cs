namespace Platform.Agents.Tools;

/// <summary>
/// How much harm a call can do. The account's safety policy turns it into allow, approval or deny
/// when an agent wants to call the tool.
/// </summary>
public enum ToolRisk
{
    Low,
    Medium,
    High,
}
