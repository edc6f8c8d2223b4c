using Microsoft.Extensions.Options;

namespace Platform.Ingest.Chunking;

/// <summary>
/// Checked at start, so chunk limits the embedding model cannot read whole, or a vocabulary that is not
/// there, stop the service with the setting to fix instead of truncating chunks later.
/// </summary>
public sealed class ChunkingOptionsValidator : IValidateOptions<ChunkingOptions>
{
    public ValidateOptionsResult Validate(string? name, ChunkingOptions options)
    {
        if (options.Problem() is { } problem)
        {
            return ValidateOptionsResult.Fail(problem);
        }

        if (options.ResolveVocabularyPath() is { } vocabulary && !File.Exists(vocabulary))
        {
            return ValidateOptionsResult.Fail(options.VocabularyPath is null
                ? $"The default embedding vocabulary is missing from the application folder ({vocabulary}). Set Ingest:Chunking:VocabularyPath " +
                  "to the embedding model's vocab.txt, or set it empty to measure chunks in characters."
                : $"Ingest:Chunking:VocabularyPath: there is no file {vocabulary}.");
        }

        return ValidateOptionsResult.Success;
    }
}
