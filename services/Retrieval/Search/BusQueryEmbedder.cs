using MassTransit;
using Platform.Contracts.Inference;

namespace Platform.Retrieval.Search;

/// <summary>
/// Embeds a query through Inference over the bus (Embed -> Embedded | InferenceRejected) with the
/// default embedding model. Any refusal, timeout or transport failure becomes a
/// <see cref="QueryEmbeddingUnavailableException"/>, which the API answers with 503.
/// </summary>
public sealed class BusQueryEmbedder(IServiceScopeFactory scopes) : IQueryEmbedder
{
    private static readonly RequestTimeout Timeout = RequestTimeout.After(s: 10);

    public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<Embed>>();
        try
        {
            var response = await client.GetResponse<Embedded, InferenceRejected>(new Embed([text]), cancellationToken, Timeout);
            if (response.Is(out Response<Embedded>? embedded) && embedded.Message.Vectors is [var vector])
            {
                return vector;
            }

            var detail = response.Is(out Response<InferenceRejected>? rejected)
                ? $"{rejected.Message.Reason}: {rejected.Message.Detail}"
                : "Inference answered without exactly one vector";
            throw new QueryEmbeddingUnavailableException($"Inference did not embed the query ({detail}).");
        }
        catch (RequestTimeoutException e)
        {
            throw new QueryEmbeddingUnavailableException("Inference did not answer the query embedding within 10 s.", e);
        }
        catch (RequestFaultException e)
        {
            throw new QueryEmbeddingUnavailableException($"Inference failed to embed the query: {e.Message}", e);
        }
    }
}
