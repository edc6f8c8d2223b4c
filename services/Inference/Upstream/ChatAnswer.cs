using System.Text.Json.Nodes;

namespace Platform.Inference.Upstream;

/// <summary>A whole answer: the upstream's JSON (with <c>usage</c> added when it had none), who answered, and its tokens.</summary>
public sealed record ChatAnswer(JsonObject Body, string Model, string Route, ChatUsage Usage);
