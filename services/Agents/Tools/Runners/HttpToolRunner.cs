using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Platform.Agents.Tools.Runners;

/// <summary>
/// HTTP tools an account declared: the URL template is filled from the arguments (placeholders in the path and
/// query only, URL-encoded), the other arguments go as a JSON body (POST, PUT, PATCH) or as query parameters (GET,
/// DELETE). The host must be allowed by the run's policy; redirects are not followed (they could leave it).
/// 2xx is a success (the body as JSON, or as a string when it is not JSON); 408, 429, 5xx, timeouts and connection
/// failures are transient; other statuses, redirects and oversized bodies are permanent. Each attempt carries
/// <c>Idempotency-Key</c> so a tool that honours it can drop a repeat.
/// </summary>
public sealed class HttpToolRunner(IHttpClientFactory http, IOptions<ToolOptions> options) : IToolRunner
{
    public const string ClientName = "agents-http-tools";

    public bool Runs(ToolDefinition tool) => !tool.BuiltIn;

    public async Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var tool = call.Tool;
        var template = UrlTemplate.TryParse(tool.UrlTemplate!, out var templateError);
        if (template is null)
        {
            return ToolResult.Permanent($"the tool's URL template is invalid: {templateError}");
        }

        if (!call.DomainAllowed(template.Host))
        {
            return ToolResult.Permanent($"host '{template.Host}' is not in the run's policy.allowedDomains");
        }

        var rest = new JsonObject();
        var url = new StringBuilder(tool.UrlTemplate!);
        foreach (var property in call.Input.EnumerateObject())
        {
            if (!template.Placeholders.Contains(property.Name, StringComparer.Ordinal))
            {
                rest[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }

        foreach (var placeholder in template.Placeholders)
        {
            if (!call.Input.TryGetProperty(placeholder, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array)
            {
                return ToolResult.Permanent($"argument '{placeholder}' (used in the URL) must be a string, number or boolean");
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            url.Replace("{" + placeholder + "}", Uri.EscapeDataString(text));
        }

        var method = new HttpMethod(tool.Method!);
        var sendsBody = method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch;
        if (!sendsBody && rest.Count > 0)
        {
            var query = string.Join("&", rest.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(QueryValue(p.Value))}"));
            url.Append(url.ToString().Contains('?', StringComparison.Ordinal) ? '&' : '?').Append(query);
        }

        using var request = new HttpRequestMessage(method, url.ToString());
        request.Headers.TryAddWithoutValidation("Idempotency-Key", call.IdempotencyKey);
        request.Headers.TryAddWithoutValidation("X-Agent-Run-Id", call.RunId.ToString());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (sendsBody)
        {
            request.Content = new StringContent(rest.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(tool.TimeoutSeconds));
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var (body, tooLarge) = await ReadBodyAsync(response, options.Value.MaxResponseBytes, timeout.Token);
            if (status is >= 200 and < 300)
            {
                if (tooLarge)
                {
                    return ToolResult.Permanent($"the response is larger than {options.Value.MaxResponseBytes} bytes", ToolUsage.OneCall);
                }

                return ToolResult.Success(new JsonObject
                {
                    ["status"] = status,
                    ["contentType"] = response.Content.Headers.ContentType?.MediaType,
                    ["body"] = ParseBody(body, response.Content.Headers.ContentType?.MediaType),
                }, ToolUsage.OneCall);
            }

            var detail = $"{tool.Method} {template.Host} answered {status} {response.ReasonPhrase}" +
                (body.Length > 0 ? ": " + Truncate(body, 500) : " with an empty body");
            return status is 408 or 429 or >= 500
                ? ToolResult.Transient(detail, ToolUsage.OneCall)
                : ToolResult.Permanent(status is >= 300 and < 400 ? detail + " (redirects are not followed)" : detail, ToolUsage.OneCall);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolResult.Transient($"{tool.Method} {template.Host} did not answer within {tool.TimeoutSeconds} s", ToolUsage.OneCall);
        }
        catch (HttpRequestException exception)
        {
            // Nothing reached the tool when the connection failed, so nothing is metered.
            return ToolResult.Transient($"{tool.Method} {template.Host} could not be reached: {exception.Message}");
        }
    }

    private static string QueryValue(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";

    private static async Task<(string Body, bool TooLarge)> ReadBodyAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, limit)), read > limit);
    }

    private static JsonNode? ParseBody(string body, string? mediaType)
    {
        if (body.Length == 0)
        {
            return null;
        }

        if (mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                // Declared JSON but is not: keep it as text rather than lose it.
            }
        }

        return JsonValue.Create(body);
    }

    private static string Truncate(string text, int length) =>
        text.Length <= length ? text : text[..length].ToString(CultureInfo.InvariantCulture) + "…";

    /// <summary>The handler HTTP tools use: no redirects (the host check would not see the target), no cookies.</summary>
    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };
}
