using Platform.ServiceDefaults.Security;

namespace Platform.Standalone;

/// <summary>
/// A first run on a laptop should work without configuring secrets: when no admin key is set,
/// one is generated once and kept in the data directory (readable by its owner only).
/// </summary>
public static class AdminKeyFile
{
    public static (string Key, string Source) LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), "admin.key");
        if (File.Exists(path))
        {
            return (File.ReadAllText(path).Trim(), path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = "admin_" + ApiKeys.Generate()[ApiKeys.Prefix.Length..];
        File.WriteAllText(path, key + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return (key, path + " (generated)");
    }
}
