namespace Platform.ConfigurationReference;

public enum SettingOrigin
{
    /// <summary>A property of an options class bound from a configuration section.</summary>
    Options,

    /// <summary>A key the platform's code reads directly (<c>configuration["..."]</c>, connection strings).</summary>
    Host,

    /// <summary>Read by ASP.NET Core, .NET or the OpenTelemetry SDK, not by platform code; listed because deployments set it.</summary>
    Framework,
}
