using System.Text.Json;

namespace Platform.Agents.Tools;

/// <summary>
/// A tool an agent may call: one of the platform's built-ins, or an HTTP tool the account declared.
/// <see cref="Method"/> and <see cref="UrlTemplate"/> are set for HTTP tools only; built-ins are
/// executed by the services that own them over the bus.
/// </summary>
public sealed record ToolDefinition(
    string Name,
    string Description,
    bool BuiltIn,
    string? Method,
    string? UrlTemplate,
    JsonElement ArgumentsSchema,
    int TimeoutSeconds,
    ToolRisk Risk,
    DateTimeOffset? CreatedAt);
