using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.CadGenerator.Api;
using Platform.CadGenerator.Design;
using Platform.CadGenerator.Jobs;
using Platform.CadGenerator.Rendering;
using Platform.CadGenerator.Storage;
using Platform.CadGenerator.Templates;
using Platform.Messaging;
using Platform.Messaging.Sagas;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.CadGenerator;

/// <summary>
/// CadGenerator. Every host that runs it calls <see cref="AddCadGenerator"/> and <see cref="MapCadGenerator"/>.
/// </summary>
public static class CadGeneratorModule
{
    public const string Name = PlatformServices.CadGenerator;

    public static IHostApplicationBuilder AddCadGenerator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, CadGeneratorMigrations.All);
        builder.Services.AddSingleton(TemplateLibrary.Default);
        builder.Services.AddSingleton<PromptParser>();

        var rendering = builder.Configuration.GetSection(RenderingOptions.SectionName).Get<RenderingOptions>() ?? new RenderingOptions();
        builder.Services.AddSingleton(rendering);
        builder.Services.AddSingleton<SandboxedOpenScad>();
        builder.Services.AddOptions<CadJobOptions>().Bind(builder.Configuration.GetSection(CadJobOptions.SectionName));
        builder.Services.AddOptions<LlmDesignOptions>().Bind(builder.Configuration.GetSection(LlmDesignOptions.SectionName));

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddSingleton(new JobFolders(storage.DataDirectory));
        builder.Services.AddSingleton<CadJobStore>();
        builder.Services.AddSingleton<CadJobSubmissions>();
        builder.Services.AddSingleton<CadJobEvents>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddBusScheduler(Name);
        // Job events (CadJobSubmitted, CadJobCompleted, CadJobFailed) are written with the state change that causes them.
        builder.Services.AddBusOutbox(Name);
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddSagaStateMachine<CadJobStateMachine, CadJobSaga>().DatabaseRepository(Name);
            bus.AddConsumer<ProduceCadModelConsumer>();
            bus.AddConsumer<CadJobCommandsConsumer>();
        });
        return builder;
    }

    public static RouteGroupBuilder MapCadGenerator(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapTemplatesApi();
        api.MapJobsApi();
        return api;
    }
}
