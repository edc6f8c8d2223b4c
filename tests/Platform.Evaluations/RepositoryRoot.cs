namespace Platform.Evaluations;

/// <summary>The repository's root (the folder holding Platform.sln), found upwards from the program.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException("No Platform.sln above the working directory or the program.");
    }
}
