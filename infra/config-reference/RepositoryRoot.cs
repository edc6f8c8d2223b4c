namespace Platform.ConfigurationReference;

public static class RepositoryRoot
{
    /// <summary>The folder holding Platform.sln, searched upwards from <paramref name="start"/> (default: the app's folder).</summary>
    public static string Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Platform.sln above {start ?? AppContext.BaseDirectory}.");
    }
}
