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
}
