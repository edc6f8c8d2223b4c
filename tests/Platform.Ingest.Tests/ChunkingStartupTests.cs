using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Ingest.Chunking;
using Xunit;

namespace Platform.Ingest.Tests;

/// <summary>
/// How the chunking settings are read when Ingest starts: limits the embedding model cannot read whole,
/// or a vocabulary that is not there, stop the service with the setting to fix; the measure in use is logged.
/// </summary>
public sealed class ChunkingStartupTests
{
    public static TheoryData<string, string, string, string> BadSettings() => new()
    {
        // setting, value, another setting, its value -> the message names the first setting
        { "MaxChunkTokens", "0", "OverlapTokens", "0" },
        { "MaxChunkTokens", "-5", "OverlapTokens", "0" },
        { "MaxChunkTokens", "255", "OverlapTokens", "40" },
        { "MaxChunkTokens", "200", "ModelMaxSequenceLength", "128" },
        { "OverlapTokens", "40", "MaxChunkTokens", "40" },
        { "OverlapTokens", "60", "MaxChunkTokens", "40" },
        { "OverlapTokens", "127", "MaxChunkTokens", "254" },
        { "OverlapTokens", "-1", "MaxChunkTokens", "254" },
        { "ModelMaxSequenceLength", "2", "MaxChunkTokens", "1" },
        { "MaxChunkChars", "20", "VocabularyPath", "" },
        { "OverlapChars", "600", "VocabularyPath", "" },
        { "VocabularyPath", "/nonexistent/vocab.txt", "OverlapTokens", "40" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_chunking_settings_stop_the_service_at_start_naming_the_setting(string setting, string value, string other, string otherValue)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new()
        {
            [$"Ingest:Chunking:{setting}"] = value,
            [$"Ingest:Chunking:{other}"] = otherValue,
        }, new LogRecorder()));

        Assert.Contains($"Ingest:Chunking:{setting}", exception.Message);
        Assert.Contains(value, exception.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_vocabulary_stops_the_service_at_start_naming_the_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, ["hello", "world"], TestContext.Current.CancellationToken);

            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new() { ["Ingest:Chunking:VocabularyPath"] = file }, new LogRecorder()));

            Assert.Contains("Ingest:Chunking:VocabularyPath", exception.Message);
            Assert.Contains(file, exception.Message);
            Assert.Contains("[PAD]", exception.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task By_default_chunks_are_measured_in_the_default_models_tokens_and_the_start_says_so()
    {
        var logs = new LogRecorder();
        await using var app = await StartAsync([], logs);

        var chunker = app.Services.GetRequiredService<DocumentChunker>();
        Assert.NotNull(chunker.Tokenizer);
        Assert.Equal(30_522, chunker.Tokenizer.VocabularySize);
        var line = Assert.Single(logs.Lines, l => l.Category == typeof(DocumentChunker).FullName);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("measured in the embedding model's tokens: at most 254 (window 256 with [CLS] and [SEP]), overlap 40", line.Message);
        Assert.Contains(ChunkingOptions.DefaultVocabulary, line.Message);
    }

    [Fact]
    public async Task Ingest_ships_the_vocabulary_of_the_model_it_embeds_with_by_default()
    {
        // The build links Inference's own file: the same bytes, so counts are Inference's.
        var shipped = await File.ReadAllBytesAsync(new ChunkingOptions().ResolveVocabularyPath()!, TestContext.Current.CancellationToken);
        var models = Path.Combine(AppContext.BaseDirectory, "models", DocumentChunker.DefaultModel);
        var manifest = Platform.Inference.Models.ModelManifestReader.Read(models).Model!;

        Assert.Equal(await File.ReadAllBytesAsync(manifest.Tokenizer!.VocabPath, TestContext.Current.CancellationToken), shipped);
        Assert.Equal(manifest.MaxSequenceLength, (int?)new ChunkingOptions().ModelMaxSequenceLength);
        Assert.Equal(manifest.Tokenizer.Lowercase, new ChunkingOptions().Lowercase);
    }

    [Fact]
    public async Task An_empty_vocabulary_path_measures_chunks_in_characters_with_a_warning_at_start()
    {
        var logs = new LogRecorder();
        await using var app = await StartAsync(new() { ["Ingest:Chunking:VocabularyPath"] = "" }, logs);

        var chunker = app.Services.GetRequiredService<DocumentChunker>();
        Assert.Null(chunker.Tokenizer);
        var line = Assert.Single(logs.Lines, l => l.Category == typeof(DocumentChunker).FullName);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("chunks are measured in characters (at most 1200, overlap 200)", line.Message);
        Assert.Contains("not embedded", line.Message);
        var chunk = Assert.Single(chunker.Split(new string('x', 1000), TextFormat.Plain));
        Assert.Equal(1000, chunk.Length);
    }

    [Fact]
    public async Task Another_embedding_model_without_its_vocabulary_is_warned_about_at_start()
    {
        var logs = new LogRecorder();
        await using var app = await StartAsync(new() { ["Ingest:Ingestion:EmbeddingModel"] = "my-embedder" }, logs);

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("Ingest:Ingestion:EmbeddingModel is my-embedder") && l.Message.Contains("VocabularyPath"));
    }

    /// <summary>The ingestion host with its log recorded in <paramref name="logs"/>; started, or the start's exception.</summary>
    private static Task<IngestionHost> StartAsync(Dictionary<string, string?> settings, LogRecorder logs) =>
        IngestionHost.StartAsync(settings, configure: builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        });

    private sealed class LogRecorder : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
