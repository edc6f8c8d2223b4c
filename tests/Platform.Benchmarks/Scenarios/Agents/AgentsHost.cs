using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Agents;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Billing;
using Platform.Messaging;
using Platform.SafetyGuard;
using Platform.ServiceDefaults;

namespace Platform.Benchmarks.Scenarios.Agents;

/// <summary>
/// Agents, Billing and SafetyGuard modules in one process on RabbitMQ (a fresh virtual host) and PostgreSQL (fresh
/// databases), on Kestrel at a loopback port, as in distributed mode: every step of a run crosses the broker (the
/// saga's work order, SafetyGuard's CheckAction, Billing's RecordUsage, the step's report) and commits in PostgreSQL.
/// Beside it, a tool server: the HTTP tool the runs call (GET /items/{id}, a small JSON answer after
/// <see cref="ToolMilliseconds"/> of waiting, as a remote API takes; no CPU spent waiting).
/// </summary>
public sealed class AgentsHost : IAsyncDisposable
{
    public const string AdminKey = "bench-agents-admin-key";
    public const long ToolCallPrice = 1_000;

    /// <summary>How long the tool takes to answer: agent tools are remote calls (APIs, models) that take a while.</summary>
    public const int ToolMilliseconds = 1_000;

    private const string Policy =
        """
        id: bench-agents
        actions:
          maxCost: 100000000
          risk: {low: allow, medium: allow, high: require_approval, critical: deny}
          tools:
            items.get: {risk: low}
        """;

    private readonly WebApplication _app;
    private readonly WebApplication _tool;

    private AgentsHost(WebApplication app, Uri address, WebApplication tool, Uri toolAddress)
    {
        _app = app;
        Address = address;
        _tool = tool;
        ToolAddress = toolAddress;
    }

    public Uri Address { get; }

    public Uri ToolAddress { get; }

    public static async Task<AgentsHost> StartAsync(RabbitMqEnvironment rabbit, string virtualHost, PostgresEnvironment postgres)
    {
        var tool = await StartToolServerAsync();
        var builder = WebApplication.CreateBuilder();
        var settings = postgres.DistributedSettings(rabbit, virtualHost);
        settings["urls"] = "http://127.0.0.1:0";
        settings["Auth:AdminKey"] = AdminKey;
        settings["Agents:Runs:DefaultStepEstimate"] = ToolCallPrice.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("bench-agents", singleService: false);
        builder.AddAgents();
        builder.AddBilling();
        builder.AddSafetyGuard();
        builder.AddPlatformBus();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints(singleService: false);
        app.MapAgents();
        app.MapBilling();
        app.MapSafetyGuard();
        await app.StartAsync();
        return new AgentsHost(app, PlatformHttp.AddressOf(app), tool.App, tool.Address);
    }

    /// <summary>A new account with credits, a price per tool call, a policy that allows the tool, and the tool declared; a client with its key.</summary>
    public async Task<HttpClient> CreateAccountClientAsync(CancellationToken ct)
    {
        using var admin = CreateClient(AdminKey);
        await PlatformHttp.ExpectAsync(await admin.PutAsJsonAsync("/v1/prices", new { toolCall = ToolCallPrice }, ct), 200, ct);
        var client = CreateClient(await PlatformHttp.CreateAccountKeyAsync(admin, "bench-agents", 1_000_000_000_000, ct));
        using (var policy = new StringContent(Policy, Encoding.UTF8, "application/yaml"))
        {
            await PlatformHttp.ExpectAsync(await client.PutAsync("/v1/policies", policy, ct), 200, ct);
        }

        await PlatformHttp.ExpectAsync(await client.PostAsJsonAsync("/v1/tools", new
        {
            name = "items.get",
            description = "bench tool",
            method = "GET",
            urlTemplate = new Uri(ToolAddress, "/items/{id}").ToString(),
            argumentsSchema = new { type = "object", properties = new { id = new { type = "string" } }, required = new[] { "id" } },
            timeoutSeconds = 30,
        }, ct), 201, ct);
        return client;
    }

    public HttpClient CreateClient(string? key = null, Uri? address = null) => PlatformHttp.Client(address ?? Address, key, maxConnections: 128);

    private static async Task<(WebApplication App, Uri Address)> StartToolServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/items/{id}", async (string id) =>
        {
            await Task.Delay(ToolMilliseconds);
            return Results.Text($$"""{"id":"{{id}}","name":"item {{id}}"}""", "application/json");
        });
        await app.StartAsync();
        return (app, PlatformHttp.AddressOf(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _tool.StopAsync();
        await _tool.DisposeAsync();
    }
}
