using Platform.Testing;
using Xunit;

namespace Platform.Foundation.Tests;

/// <summary>One distributed platform (seven processes) shared by the test classes that only read from it.</summary>
[CollectionDefinition(Name)]
public sealed class DistributedCollection : ICollectionFixture<DistributedPlatform>
{
    public const string Name = "distributed platform";
}
