using Platform.Agents.Api;
using Platform.Agents.Storage;
using Platform.Agents.Tools;
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
        builder.Services.AddSingleton<ToolStore>();
        return builder;
    }

    public static RouteGroupBuilder MapAgents(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapToolsApi();
        return api;
    }
}
