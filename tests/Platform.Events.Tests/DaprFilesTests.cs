using Platform.Events.Catalogue;
using Platform.Events.Topics;
using Platform.Testing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Platform.Events.Tests;

/// <summary>
/// infra/dapr must stay consumable: the component declares exchanges exactly as the publisher does
/// (else RabbitMQ refuses Dapr's declaration), and each subscription names a catalogue topic and a
/// routing key that matches at least one of its event types.
/// </summary>
public sealed class DaprFilesTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "infra", "dapr");

    [Fact]
    public void The_component_declares_exchanges_as_the_publisher_does()
    {
        var component = Load(Path.Combine(Folder, "components", "platform-events.yaml"));
        Assert.Equal("pubsub.rabbitmq", Scalar(component, "spec", "type"));
        var metadata = Metadata(component);
        Assert.Equal(RabbitMqTopicPublisher.ExchangeKind, metadata["exchangeKind"]);
        Assert.Equal("true", metadata["durable"]);
        Assert.Equal("false", metadata["deletedWhenUnused"]);
        Assert.Equal("single", metadata["concurrencyMode"]);
    }

    [Fact]
    public void Every_subscription_names_a_catalogue_topic_and_a_routing_key_that_matches_its_types()
    {
        var files = Directory.GetFiles(Path.Combine(Folder, "subscriptions"), "*.yaml");
        Assert.NotEmpty(files);
        var component = Scalar(Load(Path.Combine(Folder, "components", "platform-events.yaml")), "metadata", "name");
        foreach (var file in files)
        {
            var subscription = Load(file);
            Assert.Equal("dapr.io/v2alpha1", Scalar(subscription, "apiVersion"));
            Assert.Equal("Subscription", Scalar(subscription, "kind"));
            Assert.Equal(component, Scalar(subscription, "spec", "pubsubname"));
            var topic = Scalar(subscription, "spec", "topic");
            Assert.Contains(topic, EventCatalogue.Topics);
            var metadata = (YamlMappingNode)((YamlMappingNode)subscription["spec"])["metadata"];
            var routingKey = ((YamlScalarNode)metadata["routingKey"]).Value!;
            Assert.False(string.IsNullOrEmpty(((YamlScalarNode)metadata["queueName"]).Value), $"{file}: queueName");
            var types = EventCatalogue.All.Where(d => d.Topic == topic).Select(d => d.Type).ToList();
            Assert.True(types.Any(t => RoutingKeyMatches(routingKey, t)), $"{file}: routing key '{routingKey}' matches no type of {topic}");
        }
    }

    /// <summary>RabbitMQ topic matching: words split on '.', '*' is exactly one word, '#' zero or more.</summary>
    private static bool RoutingKeyMatches(string pattern, string key) => Matches(pattern.Split('.'), 0, key.Split('.'), 0);

    private static bool Matches(string[] pattern, int p, string[] key, int k)
    {
        if (p == pattern.Length)
        {
            return k == key.Length;
        }

        if (pattern[p] == "#")
        {
            return Enumerable.Range(k, key.Length - k + 1).Any(next => Matches(pattern, p + 1, key, next));
        }

        return k < key.Length && (pattern[p] == "*" || pattern[p] == key[k]) && Matches(pattern, p + 1, key, k + 1);
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlScalarNode)current).Value!;
    }

    private static Dictionary<string, string> Metadata(YamlMappingNode component) =>
        ((YamlSequenceNode)((YamlMappingNode)component["spec"])["metadata"]).Children.Cast<YamlMappingNode>()
            .Where(m => m.Children.ContainsKey("value"))
            .ToDictionary(m => ((YamlScalarNode)m["name"]).Value!, m => ((YamlScalarNode)m["value"]).Value!);
}
