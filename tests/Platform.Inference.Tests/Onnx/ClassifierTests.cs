using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Inference;
using Platform.Inference.Models;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>
/// The shipped classifier on the real ONNX Runtime: the same logits as the graph gave in training
/// (C# tokenizer included), and served by POST /v1/classify and Classify on the bus.
/// </summary>
public sealed class ClassifierTests : IAsyncLifetime
{
    private OnnxHost _host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await OnnxHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, float[]> Fixture()
    {
        // Held-out descriptions with the logits torch computed for the exported graph (training/train_classifier.py).
        var data = new TheoryData<string, float[]>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            data.Add(json.RootElement.GetProperty("text").GetString()!, [.. json.RootElement.GetProperty("logits").EnumerateArray().Select(e => e.GetSingle())]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixture))]
    public void Gives_the_logits_of_the_training_graph(string text, float[] expected)
    {
        using var model = ShippedClassifier.Load();

        var logits = model.Run([model.Tokenizer.Encode(text, model.MaxSequenceLength).Ids])[0];

        Assert.Equal(expected.Length, logits.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], logits[i], 1e-3f);
        }

        Assert.Equal(Array.IndexOf(expected, expected.Max()), Array.IndexOf(logits, logits.Max()));
    }

    [Fact]
    public async Task Classify_answers_the_section_with_every_label_probability()
    {
        var json = JsonSerializer.Serialize(new
        {
            model = ShippedClassifier.Name,
            input = new[]
            {
                "Python 3 bindings for the PostgreSQL client library. This module lets Python programs connect to a PostgreSQL server.",
                "TrueType fonts covering Latin, Greek and Cyrillic scripts for use on the desktop.",
            },
        });
        using var response = await _host.Client.PostAsync("/v1/classify", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));

        Assert.Equal(200, (int)response.StatusCode);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(("python", "fonts"), (data[0].GetProperty("label").GetString(), data[1].GetProperty("label").GetString()));
        var labels = ShippedClassifier.Load().Descriptor.Labels!;
        foreach (var item in data.EnumerateArray())
        {
            var scores = item.GetProperty("scores").EnumerateArray().Select(s => (Label: s.GetProperty("label").GetString()!, Score: s.GetProperty("score").GetSingle())).ToArray();
            Assert.Equal(labels.Order(), scores.Select(s => s.Label).Order());
            Assert.Equal(1f, scores.Sum(s => s.Score), 1e-4f);
            Assert.Equal(scores.OrderByDescending(s => s.Score).Select(s => s.Label), scores.Select(s => s.Label));
            Assert.Equal(item.GetProperty("label").GetString(), scores[0].Label);
        }

        var usage = await _host.Usage.WaitForOneAsync();
        Assert.Equal((OnnxHost.AccountId, "classification", ShippedClassifier.Name), (usage.AccountId, usage.Kind, usage.Model));
        Assert.Equal(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt64(), usage.InputTokens);
    }

    [Fact]
    public async Task The_Classify_bus_request_answers_labels_or_a_rejection()
    {
        var client = _host.Services.GetRequiredService<IClientFactory>().CreateRequestClient<Classify>();

        var answer = await client.GetResponse<Classified, InferenceRejected>(
            new Classify(["Development files for the XML parsing library: headers and static library."], ShippedClassifier.Name), Cancel);
        var rejected = await client.GetResponse<Classified, InferenceRejected>(new Classify(["x"], "platform-embed-256"), Cancel);

        Assert.True(answer.Is(out Response<Classified>? classified));
        Assert.Equal("libdevel", classified!.Message.Results[0][0].Label);
        Assert.True(rejected.Is(out Response<InferenceRejected>? refusal));
        Assert.Equal(InferenceRejectionReasons.WrongModelKind, refusal!.Message.Reason);
    }

    [Fact]
    public void Runs_through_an_IOBinding_with_the_same_logits_as_a_plain_run()
    {
        // IOBinding is what the CUDA flavour uses; on the CPU provider it must give exactly the plain run's rows.
        using var plain = ShippedClassifier.Load();
        using var bound = ShippedClassifier.Load(ioBinding: true);
        var batch = new[] { "a web browser", "documentation for the C compiler", "network daemon for time synchronisation" }
            .Select(t => plain.Tokenizer.Encode(t, plain.MaxSequenceLength).Ids).ToArray();

        Assert.True(bound.UsesIoBinding);
        var expected = plain.Run(batch);
        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(expected, bound.Run(batch));
        }

        // Concurrent runs each take their own binding from the pool.
        var concurrent = new float[16][][];
        Parallel.For(0, concurrent.Length, i => concurrent[i] = bound.Run(batch));
        Assert.All(concurrent, rows => Assert.Equal(expected, rows));
    }

    [Theory]
    [InlineData("auto", "cpu", false)]
    [InlineData("auto", "cuda", true)]
    [InlineData("on", "cpu", true)]
    [InlineData("off", "cuda", false)]
    public void IoBinding_auto_means_on_for_cuda_only(string setting, string provider, bool expected)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new InferenceOptions { Session = new OnnxSessionOptions { IoBinding = setting } });
        var factory = new OnnxSessionFactory(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<OnnxSessionFactory>.Instance);

        Assert.Equal(expected, factory.UsesIoBinding(provider));
    }
}
