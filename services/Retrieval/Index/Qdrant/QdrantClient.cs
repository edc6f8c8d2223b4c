using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Retrieval.Index.Qdrant;

/// <summary>
/// The few Qdrant REST calls Retrieval needs, over one HttpClient: create a collection with its
/// vector size and cosine distance plus keyword payload indexes, upsert and delete points with
/// <c>wait=true</c> (so a returned write is visible to the next search), and filtered search.
/// Every failure (network, timeout, non-2xx) becomes a <see cref="VectorIndexUnavailableException"/>
/// naming the call and Qdrant's own message.
/// </summary>
public sealed class QdrantClient
{
    /// <summary>Payload fields every point carries; all keyword-indexed because every search filters on them.</summary>
    public static readonly string[] IndexedFields = ["account_id", "collection", "document_id", "tags"];

    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, Task> _ensured = new(StringComparer.Ordinal);

    public QdrantClient(HttpClient http, QdrantOptions options)
    {
        _http = http;
        _http.BaseAddress = new Uri(options.Url ?? throw new InvalidOperationException("Retrieval:Qdrant:Url is not set."));
        _http.Timeout = options.Timeout;
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Add("api-key", options.ApiKey);
        }
    }

    /// <summary>Creates the collection and its payload indexes once per process; concurrent callers share the work.</summary>
    public Task EnsureCollectionAsync(string name, int dimension, CancellationToken cancellationToken)
    {
        var task = _ensured.GetOrAdd(name, _ => CreateCollectionAsync(name, dimension));
        if (task.IsFaulted || task.IsCanceled)
        {
            // Do not remember a failure: the next write tries again.
            _ensured.TryRemove(new KeyValuePair<string, Task>(name, task));
        }

        return task.WaitAsync(cancellationToken);
    }

    public async Task UpsertAsync(string collection, IEnumerable<JsonObject> points, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Put, $"collections/{collection}/points?wait=true", new JsonObject { ["points"] = new JsonArray([.. points]) }, cancellationToken);

    public async Task DeleteAsync(string collection, IEnumerable<string> ids, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", new JsonObject { ["points"] = new JsonArray([.. ids.Select(id => (JsonNode)id)]) }, cancellationToken);

    public async Task DeleteByFilterAsync(string collection, JsonObject filter, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Post, $"collections/{collection}/points/delete?wait=true", new JsonObject { ["filter"] = filter }, cancellationToken);

    /// <summary>Hits as Qdrant returns them: <c>{id, score, payload}</c>, best first.</summary>
    public async Task<JsonArray> SearchAsync(string collection, float[] vector, int limit, JsonObject filter, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["vector"] = new JsonArray([.. vector.Select(c => (JsonNode)c)]),
            ["limit"] = limit,
            ["filter"] = filter,
            ["with_payload"] = true,
        };
        var answer = await SendAsync(HttpMethod.Post, $"collections/{collection}/points/search", body, cancellationToken);
        return answer?["result"] as JsonArray ?? throw new VectorIndexUnavailableException("Qdrant's search answer has no result list.");
    }

    /// <summary>Removes a whole Qdrant collection (test clean-up); a missing one is fine.</summary>
    public async Task DropCollectionAsync(string name, CancellationToken cancellationToken)
    {
        _ensured.TryRemove(name, out _);
        using var response = await TrySendAsync(new HttpRequestMessage(HttpMethod.Delete, $"collections/{name}"), "DELETE collection", cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw await FailureAsync(response, "DELETE collection", cancellationToken);
        }
    }

    private async Task CreateCollectionAsync(string name, int dimension)
    {
        // Not the caller's token: the task is shared, and one caller's cancellation must not fail the others.
        using var timeout = new CancellationTokenSource(_http.Timeout);
        var ct = timeout.Token;
        using (var existing = await TrySendAsync(new HttpRequestMessage(HttpMethod.Get, $"collections/{name}"), "GET collection", ct))
        {
            if (existing.StatusCode == HttpStatusCode.NotFound)
            {
                var create = new JsonObject { ["vectors"] = new JsonObject { ["size"] = dimension, ["distance"] = "Cosine" } };
                using var created = await TrySendAsync(
                    new HttpRequestMessage(HttpMethod.Put, $"collections/{name}") { Content = JsonContent.Create(create) }, "PUT collection", ct);
                // 409: another Retrieval instance created it first, which is as good.
                if (!created.IsSuccessStatusCode && created.StatusCode != HttpStatusCode.Conflict)
                {
                    throw await FailureAsync(created, "PUT collection", ct);
                }
            }
            else if (!existing.IsSuccessStatusCode)
            {
                throw await FailureAsync(existing, "GET collection", ct);
            }
        }

        foreach (var field in IndexedFields)
        {
            // Creating an index that exists is accepted by Qdrant, so this is idempotent.
            await SendAsync(HttpMethod.Put, $"collections/{name}/index?wait=true", new JsonObject { ["field_name"] = field, ["field_schema"] = "keyword" }, ct);
        }
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken)
    {
        var call = $"{method} {path.Split('?')[0]}";
        using var response = await TrySendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, call, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, call, cancellationToken);
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<JsonNode>(cancellationToken);
        }
        catch (JsonException e)
        {
            throw new VectorIndexUnavailableException($"Qdrant answered {call} with a body that is not JSON.", (int)response.StatusCode, e);
        }
    }

    private async Task<HttpResponseMessage> TrySendAsync(HttpRequestMessage request, string call, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new VectorIndexUnavailableException($"Qdrant at {_http.BaseAddress} is unreachable ({call}): {e.Message}", null, e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new VectorIndexUnavailableException($"Qdrant at {_http.BaseAddress} did not answer {call} within {_http.Timeout.TotalSeconds:0.#} s.", null, e);
            }
        }
    }

    private static async Task<VectorIndexUnavailableException> FailureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string? message = null;
        try
        {
            message = JsonNode.Parse(text)?["status"]?["error"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not Qdrant's JSON error shape; the raw text below says what there is.
        }

        message ??= text.Length > 300 ? text[..300] : text;
        return new VectorIndexUnavailableException($"Qdrant refused {call} with {(int)response.StatusCode}: {message}", (int)response.StatusCode);
    }
}
