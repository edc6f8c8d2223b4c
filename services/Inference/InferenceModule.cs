using Platform.Inference.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Inference;

/// <summary>
/// Inference. Every host that runs it calls <see cref="AddInference"/> and <see cref="MapInference"/>.
/// </summary>
public static class InferenceModule
{
    public const string Name = PlatformServices.Inference;

    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, InferenceMigrations.All);
        return builder;
    }

    public static RouteGroupBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        return api;
    }
}
