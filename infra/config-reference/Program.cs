using Platform.ConfigurationReference;

// dotnet run --project infra/config-reference [-- --check]
// Writes docs/configuration.md from the code, or with --check exits 1 when it differs.
var root = RepositoryRoot.Find(Environment.CurrentDirectory);
var path = Path.Combine(root, ReferenceWriter.DocumentPath);
var generated = ReferenceWriter.Write(ConfigurationCatalog.Load(root));

if (args.Contains("--check"))
{
    var current = File.Exists(path) ? File.ReadAllText(path) : "";
    if (current != generated)
    {
        Console.Error.WriteLine($"{ReferenceWriter.DocumentPath} is stale: run `dotnet run --project infra/config-reference`.");
        return 1;
    }

    Console.WriteLine($"{ReferenceWriter.DocumentPath} is current.");
    return 0;
}

File.WriteAllText(path, generated);
Console.WriteLine($"wrote {ReferenceWriter.DocumentPath}");
return 0;
