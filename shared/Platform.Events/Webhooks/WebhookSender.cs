using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Platform.Events.Webhooks;

/// <summary>
/// Sends one signed delivery. Connections go through <see cref="ConnectAsync"/>, which resolves the
/// host itself and refuses non-public addresses unless they are allowed (SSRF guard at connect time);
/// redirects are not followed; each attempt has its own timeout.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    public WebhookSender(WebhookOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromMilliseconds(Math.Max(1, options.TimeoutMs)),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Platform-Webhooks", "1.0"));
    }

    public async Task<SendResult> SendAsync(
        WebhookSubscription subscription, QueuedDelivery delivery, int attempt, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        var now = _clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvents.CloudEvent.ContentType) { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(subscription.SigningSecrets(now.ToUnixTimeMilliseconds()), now.ToUnixTimeSeconds(), body));
        request.Headers.Add(WebhookHeaders.EventId, delivery.EventId);
        request.Headers.Add(WebhookHeaders.EventType, delivery.EventType);
        request.Headers.Add(WebhookHeaders.DeliveryId, delivery.Id);
        request.Headers.Add(WebhookHeaders.Attempt, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.TimeoutMs);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return new SendResult(status is >= 200 and < 300, status, status is >= 200 and < 300 ? null : $"HTTP {status}", Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(false, null, $"timed out after {_options.TimeoutMs} ms", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException exception)
        {
            var reason = exception.InnerException is BlockedAddressException blocked ? blocked.Message : exception.Message;
            return new SendResult(false, null, Truncate(reason), Stopwatch.GetElapsedTime(started));
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = _options.AllowPrivateAddresses ? addresses : [.. addresses.Where(WebhookUrls.IsPublic)];
        if (allowed.Length == 0)
        {
            throw new BlockedAddressException(
                $"{host} resolves only to addresses webhooks may not use ({string.Join(", ", addresses.Select(a => a.ToString()))})");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];

    public void Dispose() => _client.Dispose();

    private sealed class BlockedAddressException(string message) : Exception(message);
}

public sealed record SendResult(bool Succeeded, int? StatusCode, string? Error, TimeSpan Duration);

/// <summary>The headers of a delivery besides the signature; the body is the CloudEvent (structured mode).</summary>
public static class WebhookHeaders
{
    public const string EventId = "Platform-Event-Id";
    public const string EventType = "Platform-Event-Type";
    public const string DeliveryId = "Platform-Delivery-Id";
    public const string Attempt = "Platform-Delivery-Attempt";
}
