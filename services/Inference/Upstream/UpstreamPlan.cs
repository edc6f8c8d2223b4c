namespace Platform.Inference.Upstream;

/// <summary>
/// How a request for a model is served: one step per model (a cascade has several, cheapest first),
/// each with its routes in fallback order.
/// </summary>
public sealed record UpstreamPlan(string RequestedModel, IReadOnlyList<UpstreamStep> Steps)
{
    public bool IsCascade => Steps.Count > 1;
}

/// <summary>One model and the routes that serve it, primary first.</summary>
public sealed record UpstreamStep(string Model, IReadOnlyList<UpstreamRoute> Routes);
