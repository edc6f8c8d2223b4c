namespace Platform.ServiceDefaults.Http;

/// <summary>Bound from the <c>Http</c> section (environment: <c>Http__MaxRequestBodyBytes</c>).</summary>
public sealed class HttpOptions
{
    public const string SectionName = "Http";

    /// <summary>Largest request body a service reads; larger ones get 413. Endpoints may lower or raise it.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
