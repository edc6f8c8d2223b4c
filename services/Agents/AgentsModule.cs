using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Agents.Api;
using Platform.Agents.Execution;
using Platform.Agents.Planning;
using Platform.Agents.Runs;
using Platform.Agents.Storage;
using Platform.Agents.Tools;
using Platform.Agents.Tools.Runners;
using Platform.Contracts.Agents;
using Platform.Messaging;
using Platform.Messaging.Sagas;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Agents;

/// <summary>
/// Agents. Every host that runs it calls <see cref="AddAgents"/> and <see cref="MapAgents"/>.
/// </summary>
public static class AgentsModule
{
    public const string Name = PlatformServices.Agents;

    public static IHostApplicationBuilder AddAgents(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, AgentsMigrations.All);
        builder.Services.AddOptions<RunOptions>().Bind(builder.Configuration.GetSection(RunOptions.SectionName));
        builder.Services.AddOptions<ToolOptions>().Bind(builder.Configuration.GetSection(ToolOptions.SectionName))
            .Validate(o => o.MaxConcurrentSteps is >= 1 and <= 4096 && o.MaxResponseBytes > 0,
                "Agents:Tools: MaxConcurrentSteps 1..4096, MaxResponseBytes above 0.")
            .ValidateOnStart();
        builder.Services.AddOptions<PlannerOptions>().Bind(builder.Configuration.GetSection(PlannerOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ToolStore>();
        builder.Services.AddSingleton<RunStore>();
        builder.Services.AddSingleton<StepExecutionStore>();
        builder.Services.AddSingleton<RunRequestReader>();

        // Tool runners: built-ins over the bus (request clients are scoped to the consuming message), HTTP tools over HTTP.
        builder.Services.AddScoped<IToolRunner, RetrievalSearchRunner>();
        builder.Services.AddScoped<IToolRunner, InferenceGenerateRunner>();
        builder.Services.AddScoped<IToolRunner, InferenceClassifyRunner>();
        builder.Services.AddScoped<IToolRunner, CadGenerateRunner>();
        builder.Services.AddScoped<IToolRunner, HttpToolRunner>();
        builder.Services.AddHttpClient(HttpToolRunner.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(HttpToolRunner.CreateHandler);

        builder.Services.AddBusScheduler(Name);
        // Run events and every command the saga sends are written with the state change that causes them.
        builder.Services.AddBusOutbox(Name);
        // Order matters within a run, never across runs: the relay keeps each run's messages in sequence and publishes
        // different runs' concurrently. The key is the run's event subject (the catalogue's, runs/{id}), so a host that
        // also registers the catalogue's keys (standalone) orders a run's events and commands as one sequence.
        ByRun<RunSubmitted>(builder.Services, m => m.RunId);
        ByRun<RunCancelRequested>(builder.Services, m => m.RunId);
        ByRun<RunApprovalDecided>(builder.Services, m => m.RunId);
        ByRun<PlanRunStep>(builder.Services, m => m.RunId);
        ByRun<ExecuteAgentStep>(builder.Services, m => m.RunId);
        ByRun<AgentStepExecuted>(builder.Services, m => m.RunId);
        ByRun<RunStarted>(builder.Services, m => m.RunId);
        ByRun<RunStepCompleted>(builder.Services, m => m.RunId);
        ByRun<RunApprovalRequested>(builder.Services, m => m.RunId);
        ByRun<RunCompleted>(builder.Services, m => m.RunId);
        ByRun<RunFailed>(builder.Services, m => m.RunId);
        // Clamped, not trusted: the bus is configured before options are validated, and MassTransit's own error for a
        // limit of 0 names no setting; with a clamped endpoint the validation above reports Agents:Tools:MaxConcurrentSteps.
        var steps = Math.Clamp((builder.Configuration.GetSection(ToolOptions.SectionName).Get<ToolOptions>() ?? new ToolOptions()).MaxConcurrentSteps, 1, 4096);
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddSagaStateMachine<AgentRunStateMachine, AgentRunSaga>().DatabaseRepository(Name);
            // The endpoint's prefetch is its concurrency: the steps waiting on their tools at once.
            bus.AddConsumer<ExecuteAgentStepConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = steps;
                e.ConcurrentMessageLimit = steps;
            });
            bus.AddConsumer<PlanRunStepConsumer>();
        });
        return builder;
    }

    private static void ByRun<T>(IServiceCollection services, Func<T, Guid> runId)
        where T : class => services.AddOutboxOrderingKey<T>(m => $"runs/{runId(m):D}");

    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapToolsApi();
        api.MapRunsApi();
        return api;
    }
}
