using Platform.Retrieval.Index;
using Platform.ServiceDefaults.Errors;

namespace Platform.Retrieval.Api;

/// <summary>Turns a backend failure (Qdrant down, timing out, refusing) into a 503 problem instead of a 500.</summary>
public sealed class IndexUnavailableFilter(ILogger<IndexUnavailableFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (VectorIndexUnavailableException e)
        {
            logger.LogWarning(e, "The vector index backend failed: {Reason}", e.Message);
            return Problems.Status(
                StatusCodes.Status503ServiceUnavailable,
                ProblemTypes.DependencyUnavailable,
                "The vector index is unavailable",
                "The search backend did not complete the operation; retry later (writes are idempotent).");
        }
    }
}
