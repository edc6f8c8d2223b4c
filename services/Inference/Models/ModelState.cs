using System.Text.Json.Serialization;

namespace Platform.Inference.Models;

public enum ModelState
{
    /// <summary>The manifest is valid and its files are present.</summary>
    [JsonStringEnumMemberName("available")]
    Available,

    /// <summary>The manifest is missing, unreadable or wrong; the model's reason says how.</summary>
    [JsonStringEnumMemberName("invalid")]
    Invalid,

    /// <summary>The manifest is valid but the model could not be loaded (bad graph or vocabulary); the reason says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
