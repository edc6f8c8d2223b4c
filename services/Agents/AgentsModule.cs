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
        builder.Services.AddOptions<ToolOptions>().Bind(builder.Configuration.GetSection(ToolOptions.SectionName));
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
        // different runs' concurrently (one at a time, 100 runs' steps waited on each other's broker confirms).
        builder.Services.AddOutboxOrderingKey<RunSubmitted>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunCancelRequested>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunApprovalDecided>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<PlanRunStep>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<ExecuteAgentStep>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<AgentStepExecuted>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunStarted>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunStepCompleted>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunApprovalRequested>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunCompleted>(m => m.RunId.ToString());
        builder.Services.AddOutboxOrderingKey<RunFailed>(m => m.RunId.ToString());
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddSagaStateMachine<AgentRunStateMachine, AgentRunSaga>().DatabaseRepository(Name);
            bus.AddConsumer<ExecuteAgentStepConsumer>();
            bus.AddConsumer<PlanRunStepConsumer>();
        });
        return builder;
    }

    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapToolsApi();
        api.MapRunsApi();
        return api;
    }
}
