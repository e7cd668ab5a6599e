import Testing
@testable import gradcli

/// The start-up shortcut's list of added command names is the catalog's.
@Suite struct CommandCatalogTests {
    @Test func addedNamesMatchTheCatalog() {
        #expect(CommandCatalog.addedNames == CommandCatalog.added.map(\.name))
    }
}
