using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.ServiceDefaults.Errors;
using Xunit;
using static Platform.Ingest.Tests.IngestApi;
using static Platform.Testing.PlatformApi;

namespace Platform.Ingest.Tests;

/// <summary>
/// The documents API against bad input and other accounts (standalone host): every refusal is a
/// problem document with a stable type and the field, and nothing is stored or started by it; no
/// read, list or delete ever reaches another account's documents.
/// </summary>
public sealed class DocumentsApiTests : IAsyncLifetime
{
    private const int MaxChars = 5_000;

    private IngestionHost _host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _host = await IngestionHost.StartAsync(new Dictionary<string, string?> { ["Ingest:MaxDocumentChars"] = MaxChars.ToString() });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, int, string, string> BadSubmissions => new()
    {
        { """{"text": ""}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "   \n\t "}""", 400, ProblemTypes.Validation, "text" },
        { """{"title": "no text"}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "PK\u0003\u0004 zip bytes sent as text"}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "nul\u0000byte"}""", 400, ProblemTypes.Validation, "text" },
        // Only invisible characters (zero-width space, joiner, byte order mark): no token to embed, nothing to search.
        { """{"text": "\u200b\u200d\ufeff"}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "fine", "title": ""}""", 400, ProblemTypes.Validation, "title" },
        { """{"text": "fine", "tags": ["ok", ""]}""", 400, ProblemTypes.Validation, "tags[1]" },
        { """{"text": "fine", "collection": "../etc"}""", 400, ProblemTypes.Validation, "collection" },
        { """{"text": "fine", "contentType": "application/pdf"}""", 415, ProblemTypes.UnsupportedMediaType, "contentType" },
        { """{"text": "{\"unclosed\": ", "contentType": "application/json"}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "<script>only()</script>", "contentType": "text/html"}""", 400, ProblemTypes.Validation, "text" },
        { """{"text": "fine", "metadata": {"k": 1}}""", 400, ProblemTypes.MalformedRequest, "" },
        { """{"text": 42}""", 400, ProblemTypes.MalformedRequest, "" },
        { """{"text": "unterminated""", 400, ProblemTypes.MalformedRequest, "" },
        { "not json at all", 400, ProblemTypes.MalformedRequest, "" },
        { $$"""{"text": "{{new string('x', MaxChars + 1)}}"}""", 413, ProblemTypes.PayloadTooLarge, "text" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task A_bad_submission_is_a_problem_naming_the_field_and_stores_nothing(string body, int status, string type, string field)
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await _host.Client.SendAsync(request, Cancel);
        var problem = await ReadProblemAsync(response, status, type);

        if (field.Length > 0)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem should name '{field}': {problem}");
        }

        Assert.Empty(await ListAsync(key));
    }

    [Fact]
    public async Task Wrong_content_type_header_and_missing_key_are_refused()
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        using var form = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = new StringContent("text=hello", Encoding.UTF8, "application/x-www-form-urlencoded") };
        form.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var formResponse = await _host.Client.SendAsync(form, Cancel);
        Assert.Equal(415, (int)formResponse.StatusCode);

        using var anonymous = await _host.Client.PostAsync("/v1/documents", Json(new { text = "hello" }), Cancel);
        await ReadProblemAsync(anonymous, 401, ProblemTypes.Unauthorized);
        Assert.Empty(await ListAsync(key));
    }

    [Fact]
    public async Task Another_accounts_documents_are_unknown_to_every_read_list_and_delete()
    {
        var (_, owner) = await CreateAccountAsync(_host.Client, 0);
        var (_, stranger) = await CreateAccountAsync(_host.Client, 0);
        var id = await SubmitNewAsync(_host.Client, owner, new { text = Markdown("private", 1), contentType = "text/markdown" });
        await WaitUntilFinishedAsync(_host.Client, owner, id, TimeSpan.FromSeconds(60));

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/v1/documents/{id}"), (HttpMethod.Get, $"/v1/documents/{id}/chunks"), (HttpMethod.Delete, $"/v1/documents/{id}") })
        {
            using var response = await _host.Client.SendAsync(Request(method, path, stranger), Cancel);
            await ReadProblemAsync(response, 404, ProblemTypes.NotFound);
        }

        Assert.Empty(await ListAsync(stranger));
        // Collections are per account too: the stranger has no "documents" collection at all.
        using (var search = await _host.Client.SendAsync(
            Request(HttpMethod.Post, "/v1/search", stranger, new { collection = "documents", query = "private note says", mode = "hybrid" }), Cancel))
        {
            await ReadProblemAsync(search, 404, ProblemTypes.NotFound);
        }

        // The same text from the stranger is a new document of theirs, not the owner's replayed.
        var (status, theirs) = await SubmitAsync(_host.Client, stranger, new { text = Markdown("private", 1), contentType = "text/markdown" });
        Assert.Equal(201, status);
        Assert.NotEqual(id, theirs.GetProperty("id").GetString());

        // Still the owner's, untouched.
        Assert.Equal("indexed", (await GetAsync(_host.Client, owner, id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Html_and_json_documents_are_indexed_as_their_readable_text()
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        var html = await SubmitNewAsync(_host.Client, key, new
        {
            contentType = "text/html; charset=utf-8",
            text = "<html><head><script>var secretword = 1;</script></head><body><h1>Turbine &amp; rotor</h1><p>The <b>gearbox</b> hums at dawn.</p></body></html>",
        });
        var json = await SubmitNewAsync(_host.Client, key, new
        {
            contentType = "application/json",
            text = """{"product": {"name": "Heat exchanger", "notes": ["brazed plates", "copper"]}, "price": 410}""",
        });

        foreach (var id in new[] { html, json })
        {
            Assert.Equal("indexed", (await WaitUntilFinishedAsync(_host.Client, key, id, TimeSpan.FromSeconds(60))).GetProperty("state").GetString());
        }

        using (var chunks = await _host.Client.SendAsync(Request(HttpMethod.Get, $"/v1/documents/{html}/chunks", key), Cancel))
        {
            var text = string.Join("\n", (await ReadJsonAsync(chunks, 200)).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
            Assert.Equal("# Turbine & rotor\n\nThe gearbox hums at dawn.", text);
        }

        Assert.Equal(html, Assert.Single((await SearchAsync(_host.Client, key, "documents", "gearbox")).GetProperty("results").EnumerateArray()).GetProperty("documentId").GetString());
        Assert.Empty((await SearchAsync(_host.Client, key, "documents", "secretword")).GetProperty("results").EnumerateArray());
        var found = Assert.Single((await SearchAsync(_host.Client, key, "documents", "brazed")).GetProperty("results").EnumerateArray());
        Assert.Equal(json, found.GetProperty("documentId").GetString());
        Assert.Contains("product.notes[0]: brazed plates", found.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_file_uploaded_as_a_multipart_form_is_a_document_like_any_other()
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        var markdown = Encoding.UTF8.GetBytes(Markdown("uploaded", 7, paragraphs: 2));

        var (status, document) = await UploadAsync(key, markdown, "text/markdown", ("title", "Field notes"), ("tags", "field"), ("tags", "notes"));
        Assert.Equal(201, status);
        var id = document.GetProperty("id").GetString()!;
        Assert.Equal(("text/markdown", "Field notes"), (document.GetProperty("contentType").GetString(), document.GetProperty("title").GetString()));
        Assert.Equal(["field", "notes"], document.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("indexed", (await WaitUntilFinishedAsync(_host.Client, key, id, TimeSpan.FromSeconds(60))).GetProperty("state").GetString());

        // The same file again is the same document; so is the same text sent as JSON.
        var (again, replay) = await UploadAsync(key, markdown, "text/markdown");
        Assert.Equal((200, id), (again, replay.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Bad_uploads_are_problems_naming_the_part_and_store_nothing()
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);

        var (binary, binaryProblem) = await UploadAsync(key, [0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFE, 0x00, 0x80], "text/plain");
        Assert.Equal(400, binary);
        Assert.True(binaryProblem.GetProperty("errors").TryGetProperty("file", out _), binaryProblem.ToString());

        var (octets, octetsProblem) = await UploadAsync(key, Encoding.UTF8.GetBytes("plain words"), "application/octet-stream");
        Assert.Equal(415, octets);
        Assert.True(octetsProblem.GetProperty("errors").TryGetProperty("contentType", out _), octetsProblem.ToString());

        var (huge, _) = await UploadAsync(key, new byte[(MaxChars * 4) + 1], "text/plain");
        Assert.Equal(413, huge);

        using var noFile = new HttpRequestMessage(HttpMethod.Post, "/v1/documents/upload") { Content = new MultipartFormDataContent { { new StringContent("t"), "title" } } };
        noFile.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var response = await _host.Client.SendAsync(noFile, Cancel))
        {
            var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _), problem.ToString());
        }

        using (var json = await _host.Client.SendAsync(Request(HttpMethod.Post, "/v1/documents/upload", key, new { text = "json to the upload path" }), Cancel))
        {
            await ReadProblemAsync(json, 415, ProblemTypes.UnsupportedMediaType);
        }

        Assert.Empty(await ListAsync(key));
    }

    private async Task<(int Status, JsonElement Body)> UploadAsync(string key, byte[] file, string contentType, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(part, "file", "document");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _host.Client.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("/v1/documents/00000000-0000-0000-0000-000000000000")]
    [InlineData("/v1/documents/not-a-document-id")]
    [InlineData("/v1/documents/00000000-0000-0000-0000-000000000000/chunks")]
    public async Task Unknown_or_malformed_ids_are_not_found(string path)
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var response = await _host.Client.SendAsync(Request(method, path, key), Cancel);
            if (method == HttpMethod.Delete && path.EndsWith("/chunks", StringComparison.Ordinal))
            {
                Assert.Equal(405, (int)response.StatusCode);
                continue;
            }

            await ReadProblemAsync(response, 404, ProblemTypes.NotFound);
        }
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=not-an-id", "after")]
    public async Task Bad_paging_is_a_validation_problem(string query, string field)
    {
        var (_, key) = await CreateAccountAsync(_host.Client, 0);
        using var response = await _host.Client.SendAsync(Request(HttpMethod.Get, $"/v1/documents?{query}", key), Cancel);
        var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private async Task<List<JsonElement>> ListAsync(string key)
    {
        using var response = await _host.Client.SendAsync(Request(HttpMethod.Get, "/v1/documents", key), Cancel);
        return [.. (await ReadJsonAsync(response, 200)).GetProperty("items").EnumerateArray()];
    }
}
