using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Upstream;

/// <summary>Problem types of the upstream proxy (stable, as <see cref="ProblemTypes"/>), and the problems themselves.</summary>
public static class UpstreamProblems
{
    public const string UpstreamFailed = "urn:platform:problem:upstream-failed";
    public const string UpstreamTimeout = "urn:platform:problem:upstream-timeout";
    public const string UpstreamRejected = "urn:platform:problem:upstream-rejected";

    public static ProblemHttpResult NotConfigured() => Problems.Status(
        StatusCodes.Status503ServiceUnavailable, ProblemTypes.DependencyUnavailable, "No upstream LLM server is configured.",
        $"Chat completions are served by upstream OpenAI-compatible servers; configure at least one route under {UpstreamOptions.SectionName}:Routes.");

    public static ProblemHttpResult UnknownModel(string model, IEnumerable<string> models) => Problems.Status(
        StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The model was not found.",
        $"No upstream route serves model '{model}'.",
        new Dictionary<string, object?> { ["models"] = models.Order(StringComparer.Ordinal).ToArray() });

    public static ProblemHttpResult From(UpstreamFailureException failure)
    {
        var extensions = new Dictionary<string, object?> { ["route"] = failure.Route };
        if (failure.Status is { } status)
        {
            extensions["upstreamStatus"] = status;
        }

        return failure.Kind switch
        {
            UpstreamFailureKind.Timeout => Problems.Status(
                StatusCodes.Status504GatewayTimeout, UpstreamTimeout, "The upstream LLM server did not answer in time.", failure.Message, extensions),
            UpstreamFailureKind.Rejected => Problems.Status(
                failure.Status!.Value, UpstreamRejected, "The upstream LLM server rejected the request.", failure.Message, extensions),
            _ => Problems.Status(
                StatusCodes.Status502BadGateway, UpstreamFailed, "No upstream LLM server could answer.", failure.Message, extensions),
        };
    }
}
