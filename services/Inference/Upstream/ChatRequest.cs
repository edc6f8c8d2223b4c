using System.Text.Json.Nodes;

namespace Platform.Inference.Upstream;

/// <summary>
/// A validated chat completion request. <see cref="Body"/> is the client's JSON as sent, unknown fields
/// included, so everything an upstream understands (tools, response_format, logprobs, ...) passes through.
/// </summary>
public sealed record ChatRequest(JsonObject Body, string Model, bool Stream, bool ClientWantsStreamUsage)
{
    public JsonArray Messages => Body["messages"]!.AsArray();

    public JsonNode? Tools => Body["tools"];

    /// <summary>The body for one upstream attempt: the upstream's model name, and the usage chunk asked for when streaming.</summary>
    public JsonObject ForUpstream(UpstreamRoute route, string model)
    {
        var body = Body.DeepClone().AsObject();
        body["model"] = route.UpstreamModel(model);
        if (Stream && route.RequestStreamUsage)
        {
            var options = body["stream_options"] as JsonObject ?? new JsonObject();
            options["include_usage"] = true;
            body["stream_options"] = options;
        }

        return body;
    }
}
