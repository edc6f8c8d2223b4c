namespace Platform.Inference.Models;

/// <summary>
/// One folder of the model repository: its model when the manifest is valid, otherwise the reason
/// it is not. Invalid models stay listed, so an operator sees what is wrong without reading logs.
/// </summary>
public sealed record ModelEntry(string Id, string Folder, ModelState State, ModelDescriptor? Model, string? Reason, DateTimeOffset Created)
{
    public static ModelEntry Available(string id, string folder, ModelDescriptor model, DateTimeOffset created) =>
        new(id, folder, ModelState.Available, model, null, created);

    public static ModelEntry Invalid(string id, string folder, string reason, DateTimeOffset created) =>
        new(id, folder, ModelState.Invalid, null, reason, created);
}
