using System.Diagnostics;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Contracts.Ingest;
using Platform.Ingest.Chunking;
using Platform.Ingest.Documents;
using Platform.Ingest.Extraction;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Ingest.Api;

/// <summary>The caller's documents: submit (stored and chunked at once, then ingested by IngestionSaga), status, chunks, list, delete.</summary>
public static partial class DocumentsApi
{
    public sealed record SubmitDocumentRequest(
        string? Text,
        string? Title,
        string? ContentType,
        IReadOnlyList<string?>? Tags,
        IReadOnlyDictionary<string, string?>? Metadata,
        string? Collection);

    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 128;

    public sealed record DocumentList(IReadOnlyList<Document> Items, string? Next);

    public sealed record ChunkList(string DocumentId, IReadOnlyList<StoredChunk> Items, int? Next);

    public const int MaxTitleLength = 500;
    public const int MaxTags = 32;
    public const int MaxTagLength = 64;
    public const int MaxMetadataEntries = 64;
    public const int MaxMetadataKeyLength = 128;
    public const int MaxMetadataValueLength = 2048;

    public static void MapDocumentsApi(this RouteGroupBuilder api)
    {
        var documents = api.MapGroup("/v1/documents").WithTags("Documents").RequireAuthorization(PlatformPolicies.Account);
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<IngestOptions>>().Value;

        // Documents may be far larger than the 1 MiB default body; the limit follows the character limit.
        documents.MapPost("/", Submit).WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBodyBytes));
        documents.MapPost("/upload", Upload).WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBodyBytes))
            .Accepts<IFormFile>("multipart/form-data");
        documents.MapGet("/", List);
        documents.MapGet("/{id}", Get);
        documents.MapGet("/{id}/chunks", ListChunks);
        documents.MapDelete("/{id}", Delete);
    }

    private static async Task<Results<Created<Document>, Ok<Document>, ValidationProblem, ProblemHttpResult>> Submit(
        SubmitDocumentRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user,
        DocumentStore store,
        IOptions<IngestOptions> ingestOptions,
        DocumentChunker chunker,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var maxChars = ingestOptions.Value.MaxDocumentChars;
        if (request.Text is { } oversized && oversized.Length > maxChars)
        {
            return Problems.Status(
                StatusCodes.Status413PayloadTooLarge,
                ProblemTypes.PayloadTooLarge,
                "The document is too large.",
                $"text has {oversized.Length} characters; at most {maxChars} are accepted.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["text"] = [$"must be at most {maxChars} characters"] } });
        }

        var contentType = ContentTypes.Normalize(request.ContentType ?? ContentTypes.PlainText);
        if (contentType is null)
        {
            var message = $"must be one of {string.Join(", ", ContentTypes.Supported)}";
            return Problems.Status(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemTypes.UnsupportedMediaType,
                "The document's content type is not supported.",
                $"contentType '{request.ContentType}' {message}.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["contentType"] = [message] } });
        }

        var validator = new Validator();
        validator.Require(!string.IsNullOrWhiteSpace(request.Text), "text", "is required and must not be blank");
        if (request.Text is { } candidate && BinaryCharacter(candidate) is { } binary)
        {
            // NUL and other control characters mean bytes of a binary file were sent as text: chunks and
            // search results made of them would be garbage, so the document is refused before any work.
            validator.Add("text", $"must be text: control character U+{(int)candidate[binary]:X4} at index {binary} (binary content is not accepted)");
        }

        validator.Require(
            request.Title is null || (request.Title.Length <= MaxTitleLength && !string.IsNullOrWhiteSpace(request.Title)),
            "title",
            $"must be 1 to {MaxTitleLength} characters, not blank, when given");
        validator.Require(
            request.Collection is null || CollectionName().IsMatch(request.Collection),
            "collection",
            "must be 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit, when given");
        validator.Require(
            idempotencyKey is null || (idempotencyKey.Length is >= 1 and <= MaxIdempotencyKeyLength && idempotencyKey.All(c => c is > ' ' and <= '~')),
            IdempotencyKeyHeader,
            $"must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters when given");
        var tags = ValidateTags(validator, request.Tags);
        var metadata = ValidateMetadata(validator, request.Metadata);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var account = user.GetAccountId();
        var text = request.Text!;
        var hash = ContentHash.Of(text);
        // Replays are answered before any chunking work: by key first (a key names one submission), then by content.
        var known = idempotencyKey is not null ? await store.FindByIdempotencyKeyAsync(account, idempotencyKey, cancellationToken) : null;
        known ??= await store.FindByHashAsync(account, hash, cancellationToken);
        if (known is not null)
        {
            return Replayed(known, known.ContentHash == hash ? SubmitOutcome.Duplicate : SubmitOutcome.IdempotencyConflict);
        }

        // HTML and JSON are stored, chunked and searched as their readable text; the hash above is of what was sent.
        var (readable, unreadable) = DocumentText.Extract(text, contentType);
        if (readable is null)
        {
            return Problems.Validation("text", unreadable!);
        }

        text = readable;
        var started = Stopwatch.GetTimestamp();
        var chunks = chunker.Split(text, ContentTypes.FormatOf(contentType));
        IngestTelemetry.ChunkingDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (chunks.Count == 0)
        {
            // Only invisible characters (format or control characters, which the tokenizer drops): nothing to embed or search.
            return Problems.Validation("text", "has nothing to index: only white space and invisible characters");
        }

        var collection = request.Collection ?? IngestCollections.Default;
        var (document, outcome) = await store.CreateAsync(
            account, new NewDocument(text, request.Title?.Trim(), contentType, hash, tags, metadata, collection, idempotencyKey), chunks, cancellationToken);
        if (outcome != SubmitOutcome.Created)
        {
            return Replayed(document, outcome);
        }

        IngestTelemetry.DocumentsSubmitted.Add(1, new KeyValuePair<string, object?>("outcome", "created"));

        IngestTelemetry.ChunksCreated.Add(chunks.Count);
        loggers.CreateLogger(typeof(DocumentsApi)).LogInformation(
            "Document {DocumentId} stored for account {AccountId}: {Chars} characters in {Chunks} chunks",
            document.Id, account, document.Chars, document.ChunksTotal);
        return TypedResults.Created($"/v1/documents/{document.Id}", document);
    }

    /// <summary>Index of the first C0 control character other than tab, line feed, form feed and carriage return (or DEL); null for text.</summary>
    private static int? BinaryCharacter(string text)
    {
        var index = text.AsSpan().IndexOfAnyInRange('\0', '\u001f');
        while (index >= 0 && text[index] is '\t' or '\n' or '\f' or '\r')
        {
            var next = text.AsSpan(index + 1).IndexOfAnyInRange('\0', '\u001f');
            index = next < 0 ? -1 : index + 1 + next;
        }

        var delete = text.IndexOf('\u007f');
        return index < 0 ? (delete < 0 ? null : delete) : (delete < 0 ? index : Math.Min(index, delete));
    }

    /// <summary>
    /// <c>POST /v1/documents/upload</c>: the same submission as a multipart form, for files: part <c>file</c>
    /// (UTF-8 text; its content type is the document's unless a <c>contentType</c> field says otherwise),
    /// fields <c>title</c>, <c>tags</c> (repeated), <c>collection</c>, <c>contentType</c>. Everything after
    /// reading the form is <see cref="Submit"/>'s, so both paths validate, deduplicate and answer alike.
    /// </summary>
    private static async Task<Results<Created<Document>, Ok<Document>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpRequest http,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user,
        DocumentStore store,
        IOptions<IngestOptions> ingestOptions,
        DocumentChunker chunker,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!http.HasFormContentType || !(http.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Status(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemTypes.UnsupportedMediaType,
                "The upload must be a multipart form.",
                "Send multipart/form-data with the document in a part named 'file' (or POST JSON to /v1/documents).",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["file"] = ["must be sent as multipart/form-data"] } });
        }

        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "The multipart form could not be read.", exception.Message);
        }

        var invalid = new Validator();
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            invalid.Add("file", "is required: a part named 'file' holding the document");
            return invalid.ToProblem();
        }

        var maxChars = ingestOptions.Value.MaxDocumentChars;
        if (file.Length > maxChars * 4L)
        {
            // UTF-8 needs at most 4 bytes per character: a larger file cannot be within the character limit.
            return Problems.Status(
                StatusCodes.Status413PayloadTooLarge,
                ProblemTypes.PayloadTooLarge,
                "The document is too large.",
                $"file has {file.Length} bytes; at most {maxChars} characters are accepted.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["file"] = [$"must be at most {maxChars} characters"] } });
        }

        string text;
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await file.CopyToAsync(buffer, cancellationToken);
            try
            {
                text = StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
            }
            catch (System.Text.DecoderFallbackException)
            {
                invalid.Add("file", "must be UTF-8 text (binary content is not accepted)");
                return invalid.ToProblem();
            }
        }

        string? Field(string name) => form.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
        var request = new SubmitDocumentRequest(
            text,
            Field("title"),
            Field("contentType") ?? file.ContentType,
            form.TryGetValue("tags", out var tags) ? [.. tags] : null,
            Metadata: null,
            Field("collection"));
        return await Submit(request, idempotencyKey, user, store, ingestOptions, chunker, loggers, cancellationToken);
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The stored document for a repeated submission, or 409 when its idempotency key was used for other content.</summary>
    private static Results<Created<Document>, Ok<Document>, ValidationProblem, ProblemHttpResult> Replayed(Document document, SubmitOutcome outcome)
    {
        if (outcome == SubmitOutcome.IdempotencyConflict)
        {
            IngestTelemetry.DocumentsSubmitted.Add(1, new KeyValuePair<string, object?>("outcome", "conflict"));
            return Problems.Status(
                StatusCodes.Status409Conflict,
                ProblemTypes.IdempotencyConflict,
                "The idempotency key was used for another document.",
                $"{IdempotencyKeyHeader} already names document {document.Id}, whose text differs from this one.",
                new Dictionary<string, object?> { ["documentId"] = document.Id });
        }

        IngestTelemetry.DocumentsSubmitted.Add(1, new KeyValuePair<string, object?>("outcome", "duplicate"));
        return TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<DocumentList>, ValidationProblem>> List(
        ClaimsPrincipal user, DocumentStore store, CancellationToken cancellationToken, int limit = 100, string? after = null)
    {
        var validator = new Validator().Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000");
        Guid? afterId = null;
        if (after is not null)
        {
            if (Guid.TryParse(after, out var parsed))
            {
                afterId = parsed;
            }
            else
            {
                validator.Add("after", "must be a document id from a previous page");
            }
        }

        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var items = await store.ListAsync(user.GetAccountId(), limit, afterId, cancellationToken);
        return TypedResults.Ok(new DocumentList(items, items.Count == limit ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<Document>, ProblemHttpResult>> Get(
        string id, ClaimsPrincipal user, DocumentStore store, CancellationToken cancellationToken)
    {
        var document = Guid.TryParse(id, out var documentId)
            ? await store.FindAsync(user.GetAccountId(), documentId, cancellationToken)
            : null;
        return document is null ? Problems.NotFound("document", id) : TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<ChunkList>, ValidationProblem, ProblemHttpResult>> ListChunks(
        string id, ClaimsPrincipal user, DocumentStore store, CancellationToken cancellationToken, int limit = 100, int after = -1)
    {
        var validator = new Validator()
            .Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000")
            .Require(after >= -1, "after", "must be a chunk index from a previous page");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var chunks = Guid.TryParse(id, out var documentId)
            ? await store.ListChunksAsync(user.GetAccountId(), documentId, limit, after, cancellationToken)
            : null;
        return chunks is null
            ? Problems.NotFound("document", id)
            : TypedResults.Ok(new ChunkList(documentId.ToString(), chunks, chunks.Count == limit ? chunks[^1].Index : null));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal user, DocumentStore store, CancellationToken cancellationToken)
    {
        var deleted = Guid.TryParse(id, out var documentId) && await store.DeleteAsync(user.GetAccountId(), documentId, cancellationToken);
        return deleted ? TypedResults.NoContent() : Problems.NotFound("document", id);
    }

    private static IReadOnlyList<string> ValidateTags(Validator validator, IReadOnlyList<string?>? tags)
    {
        if (tags is null)
        {
            return [];
        }

        if (tags.Count > MaxTags)
        {
            validator.Add("tags", $"must hold at most {MaxTags} tags");
            return [];
        }

        for (var i = 0; i < tags.Count; i++)
        {
            validator.Require(
                !string.IsNullOrWhiteSpace(tags[i]) && tags[i]!.Length <= MaxTagLength,
                $"tags[{i}]",
                $"must be 1 to {MaxTagLength} characters, not blank");
        }

        return [.. tags.Where(t => t is not null).Select(t => t!.Trim()).Distinct(StringComparer.Ordinal)];
    }

    private static IReadOnlyDictionary<string, string> ValidateMetadata(Validator validator, IReadOnlyDictionary<string, string?>? metadata)
    {
        if (metadata is null)
        {
            return new Dictionary<string, string>();
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            validator.Add("metadata", $"must hold at most {MaxMetadataEntries} entries");
            return new Dictionary<string, string>();
        }

        foreach (var (key, value) in metadata)
        {
            validator.Require(
                !string.IsNullOrWhiteSpace(key) && key.Length <= MaxMetadataKeyLength,
                "metadata",
                $"keys must be 1 to {MaxMetadataKeyLength} characters, not blank");
            validator.Require(
                value is not null && value.Length <= MaxMetadataValueLength,
                $"metadata.{key}",
                $"must be a string of at most {MaxMetadataValueLength} characters");
        }

        return metadata.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex CollectionName();
}
