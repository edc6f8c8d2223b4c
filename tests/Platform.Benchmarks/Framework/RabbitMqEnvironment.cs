using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Platform.Benchmarks.Framework;

/// <summary>
/// The RabbitMQ a scenario uses, from the same environment variables as the tests
/// (RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_USER, RABBITMQ_PASSWORD, RABBITMQ_MANAGEMENT_URL).
/// </summary>
public sealed record RabbitMqEnvironment(string Host, int Port, string User, string Password, Uri ManagementUrl)
{
    private const string StartHint = "Start the local dependencies with `sudo infra/local/deps.sh`, or point RABBITMQ_HOST/RABBITMQ_PORT/RABBITMQ_MANAGEMENT_URL at a running broker.";

    public static RabbitMqEnvironment FromEnvironment()
    {
        var portText = Read("RABBITMQ_PORT", "5672");
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > 65535)
        {
            throw new DependencyUnavailableException($"RABBITMQ_PORT='{portText}' is not a port number.");
        }

        var managementText = Read("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672");
        if (!Uri.TryCreate(managementText.TrimEnd('/') + "/", UriKind.Absolute, out var management))
        {
            throw new DependencyUnavailableException($"RABBITMQ_MANAGEMENT_URL='{managementText}' is not an absolute URL.");
        }

        return new RabbitMqEnvironment(
            Read("RABBITMQ_HOST", "127.0.0.1"),
            port,
            Read("RABBITMQ_USER", "guest"),
            Read("RABBITMQ_PASSWORD", "guest"),
            management);
    }

    /// <summary>Fails fast, with a message that says what to do, when the broker or its management API is not there.</summary>
    public async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        using (var tcp = new TcpClient())
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try
            {
                await tcp.ConnectAsync(Host, Port, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new DependencyUnavailableException($"RabbitMQ is not reachable at {Host}:{Port} ({Describe(e)}). {StartHint}", e);
            }
        }

        using var http = CreateManagementClient();
        try
        {
            using var response = await http.GetAsync("api/overview", cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new DependencyUnavailableException(
                    $"The RabbitMQ management API at {ManagementUrl} refused user '{User}' ({(int)response.StatusCode}); set RABBITMQ_USER/RABBITMQ_PASSWORD to an administrator.");
            }

            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The benchmark makes its own virtual host, which needs the management plugin.
            throw new DependencyUnavailableException(
                $"RabbitMQ is listening on {Host}:{Port} but its management API at {ManagementUrl} is not reachable ({Describe(e)}); the rabbitmq_management plugin is needed. {StartHint}", e);
        }
    }

    /// <summary>Creates a virtual host only this run uses (deleted on dispose) so nothing collides with tests or services.</summary>
    public async Task<TemporaryVirtualHost> CreateVirtualHostAsync(string prefix, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}")[..(prefix.Length + 25)];
        var http = CreateManagementClient();
        try
        {
            var path = $"api/vhosts/{Uri.EscapeDataString(name)}";
            using (var created = await http.PutAsync(path, JsonContent.Create(new { description = "Platform.Benchmarks run; deleted at the end" }), cancellationToken))
            {
                created.EnsureSuccessStatusCode();
            }

            var vhost = new TemporaryVirtualHost(name, http);
            try
            {
                var permissions = new { configure = ".*", write = ".*", read = ".*" };
                using var granted = await http.PutAsync($"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(User)}", JsonContent.Create(permissions), cancellationToken);
                granted.EnsureSuccessStatusCode();
                return vhost;
            }
            catch
            {
                await vhost.DisposeAsync();
                throw;
            }
        }
        catch (HttpRequestException e)
        {
            http.Dispose();
            throw new DependencyUnavailableException($"Could not create RabbitMQ virtual host '{name}' through {ManagementUrl}: {e.Message}", e);
        }
    }

    private HttpClient CreateManagementClient()
    {
        var http = new HttpClient { BaseAddress = ManagementUrl, Timeout = TimeSpan.FromSeconds(10) };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    private static string Read(string variable, string fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }

    private static string Describe(Exception e) => e is OperationCanceledException ? "timed out" : e.Message;
}

/// <summary>A RabbitMQ virtual host that exists for one run.</summary>
public sealed class TemporaryVirtualHost(string name, HttpClient management) : IAsyncDisposable
{
    public string Name { get; } = name;

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Not the caller's token: a run cancelled with Ctrl+C must still clean up.
            using var deleted = await management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Name)}", CancellationToken.None);
            if (!deleted.IsSuccessStatusCode && deleted.StatusCode != HttpStatusCode.NotFound)
            {
                await Console.Error.WriteLineAsync($"warning: could not delete RabbitMQ virtual host '{Name}' ({(int)deleted.StatusCode}); delete it by hand.");
            }
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"warning: could not delete RabbitMQ virtual host '{Name}' ({e.Message}); delete it by hand.");
        }
        finally
        {
            management.Dispose();
        }
    }
}
