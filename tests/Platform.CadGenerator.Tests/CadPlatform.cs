using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts.CadGenerator;
using Platform.ServiceDefaults;
using Platform.Testing;
using static Platform.Testing.PlatformApi;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Billing, SafetyGuard, Inference and CadGenerator as their own processes on a fresh RabbitMQ virtual
/// host and fresh PostgreSQL databases, with a price per render second and per designer token set.
/// Inference has one upstream route, serving <see cref="DesignerModel"/> from <see cref="Llm"/> (a
/// local HTTP server). A bus listener in the test process keeps every CadJobCompleted and CadJobFailed.
/// Shared by the job tests (one collection, so one platform).
/// </summary>
public sealed class CadPlatform : IAsyncLifetime
{
    public const long RenderPricePerSecond = 20_000;
    public const string DesignerModel = "cad-designer";
    public const long DesignerInputPerMillionTokens = 1_000_000;
    public const long DesignerOutputPerMillionTokens = 2_000_000;

    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private DirectoryInfo _data = null!;
    private Dictionary<string, string> _environment = null!;
    private IBusControl _events = null!;

    public ServiceProcess Billing { get; private set; } = null!;

    public ServiceProcess SafetyGuard { get; private set; } = null!;

    public ServiceProcess Inference { get; private set; } = null!;

    public ServiceProcess Cad { get; private set; } = null!;

    public DesignerLlm Llm { get; private set; } = null!;

    public string DataDirectory => _data.FullName;

    /// <summary>CadGenerator's PostgreSQL database (its jobs, saga rows and outbox).</summary>
    public string CadConnectionString => _databases.ConnectionStringFor(PlatformServices.CadGenerator);

    /// <summary>Job events received from the bus, by job id, in arrival order.</summary>
    public ConcurrentDictionary<Guid, ConcurrentQueue<object>> JobEvents { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        _data = Directory.CreateTempSubdirectory("cad-jobs-");
        Llm = await DesignerLlm.StartAsync();
        _environment = PlatformSettings.Distributed(_vhost, _databases);
        _environment["Storage__DataDirectory"] = _data.FullName;
        _environment["CadGenerator__Rendering__TimeoutSeconds"] = "20";
        _environment["CadGenerator__Rendering__MemoryLimitMb"] = "1024";
        _environment["CadGenerator__Jobs__ReserveMicroCredits"] = "1000000";
        _environment["CadGenerator__Design__Model"] = DesignerModel;
        _environment["Inference__Device"] = "cpu";
        _environment["Inference__Upstream__Routes__designer__BaseUrl"] = Llm.BaseUrl;
        _environment[$"Inference__Upstream__Routes__designer__Models__{DesignerModel}"] = "";
        _environment["Inference__Upstream__Routes__designer__MaxRetries"] = "0";
        _environment["Inference__Upstream__Routes__designer__TimeoutMs"] = "10000";

        _events = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(TestServers.RabbitMqHost, (ushort)TestServers.RabbitMqPort, _vhost.Name, host =>
            {
                host.Username(TestServers.RabbitMqUser);
                host.Password(TestServers.RabbitMqPassword);
            });
            rabbit.ReceiveEndpoint("cad-tests-job-events", endpoint =>
            {
                endpoint.Handler<CadJobCompleted>(context => Keep(context.Message.JobId, context.Message));
                endpoint.Handler<CadJobFailed>(context => Keep(context.Message.JobId, context.Message));
            });
        });
        await _events.StartAsync();

        Billing = await ServiceProcess.StartAsync("billing", RepositoryPaths.ServiceDll("Billing"), _environment);
        SafetyGuard = await ServiceProcess.StartAsync("safetyguard", RepositoryPaths.ServiceDll("SafetyGuard"), _environment);
        Inference = await ServiceProcess.StartAsync("inference", RepositoryPaths.ServiceDll("Inference"), _environment);
        Cad = await StartCadAsync();

        using var prices = await Billing.Client.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new
        {
            cadRenderPerSecond = RenderPricePerSecond,
            models = new Dictionary<string, object>
            {
                [DesignerModel] = new { inputPerMillionTokens = DesignerInputPerMillionTokens, outputPerMillionTokens = DesignerOutputPerMillionTokens },
            },
        }));
        await ReadJsonAsync(prices, 200);
    }

    public async Task SetRenderPriceAsync(long perSecond)
    {
        using var prices = await Billing.Client.SendAsync(Request(HttpMethod.Put, "/v1/prices", PlatformSettings.AdminKey, new { cadRenderPerSecond = perSecond }));
        await ReadJsonAsync(prices, 200);
    }

    /// <summary>Kills CadGenerator (no shutdown) and starts it again on the same databases and files.</summary>
    public async Task RestartCadAsync()
    {
        Cad.Kill();
        await Cad.DisposeAsync();
        Cad = await StartCadAsync();
    }

    /// <summary>A new account with a key and <paramref name="credits"/> micro-credits deposited.</summary>
    public async Task<(string AccountId, string Key)> CreateAccountAsync(long credits)
    {
        var (accountId, key) = await CreateAccountWithKeyAsync(Billing.Client);
        if (credits > 0)
        {
            using var deposit = await Billing.Client.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/deposits", PlatformSettings.AdminKey,
                new { transferId = "deposit-" + Guid.NewGuid().ToString("N"), amount = credits }));
            await ReadJsonAsync(deposit, 201);
        }

        return (accountId, key);
    }

    public async Task<long> AvailableAsync(string accountId)
    {
        using var response = await Billing.Client.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{accountId}/balance", PlatformSettings.AdminKey));
        return (await ReadJsonAsync(response, 200)).GetProperty("available").GetInt64();
    }

    /// <summary>The job's events once at least one arrived (the relay publishes shortly after the commit).</summary>
    public async Task<object[]> EventsOfAsync(Guid jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (JobEvents.TryGetValue(jobId, out var events) && !events.IsEmpty)
            {
                // A duplicate (at least once) would arrive right behind the first; give it a moment to show.
                await Task.Delay(300);
                return [.. events];
            }

            await Task.Delay(50);
        }

        return [];
    }

    /// <summary>A request client on the platform's bus, as another service (Agents) uses CadGenerator's bus API.</summary>
    public IRequestClient<T> RequestClient<T>()
        where T : class => _events.CreateRequestClient<T>(RequestTimeout.After(s: 30));

    /// <summary>Publishes <paramref name="message"/> on the platform's bus, as a service (or a redelivery) would.</summary>
    public Task PublishAsync<T>(T message)
        where T : class => _events.Publish(message);

    private Task<ServiceProcess> StartCadAsync() => ServiceProcess.StartAsync("cadgenerator", RepositoryPaths.ServiceDll("CadGenerator"), _environment);

    private Task Keep(Guid jobId, object message)
    {
        JobEvents.GetOrAdd(jobId, _ => new ConcurrentQueue<object>()).Enqueue(message);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Cad.DisposeAsync();
        await Inference.DisposeAsync();
        await SafetyGuard.DisposeAsync();
        await Billing.DisposeAsync();
        await _events.StopAsync();
        await Llm.DisposeAsync();
        await _databases.DisposeAsync();
        await _vhost.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

/// <summary>The job tests share one <see cref="CadPlatform"/> (its processes take a while to start).</summary>
[CollectionDefinition(Name)]
public sealed class CadPlatformCollection : ICollectionFixture<CadPlatform>
{
    public const string Name = "cad platform";
}
