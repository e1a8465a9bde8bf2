import XCTest
import NTKEngine
@testable import Workbench

final class AppStateTests: XCTestCase {
    func testAddRemoveMoveLayersWithEngineValidation() throws {
        var s = Fixtures.smallState()
        s.selected = 0
        let before = s.stacks[0].spec.layers.count
        let o = try s.perform(Invocation("stack.add-layer", ["type": "relu", "at": "1"]))
        XCTAssertEqual(s.stacks[0].spec.layers.count, before + 1)
        XCTAssertEqual(o.logged?.name, "stack.add-layer")
        XCTAssertNotNil(o.logged?.spec, "stack edits record the resulting spec")
        XCTAssertNil(s.stacks[0].validation)
        // A dense layer before pooling is a structural error located by the engine.
        _ = try s.perform(Invocation("stack.add-layer", ["type": "dense", "at": "1"]))
        XCTAssertEqual(s.stacks[0].validation?.path, "layers[1].type")
        XCTAssertTrue(s.statusIsError)
        _ = try s.perform(Invocation("stack.remove-layer", ["layer": "1"]))
        XCTAssertNil(s.stacks[0].validation)
        _ = try s.perform(Invocation("stack.move-down", ["layer": "0"]))
        XCTAssertEqual(s.stacks[0].spec.layers[1].typeName, "conv")
        XCTAssertThrowsError(try s.perform(Invocation("stack.move-up", ["layer": "0"])))
    }

    func testSetParamRejectsBadValuesWithLocatedMessageAndKeepsState() throws {
        var s = Fixtures.smallState()
        let spec = s.stacks[0].spec
        XCTAssertThrowsError(try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "W_std", "value": "-1"]))) { e in
            XCTAssertEqual("\(e)", "layers[0].W_std: must be ≥ 0, got -1.0")
        }
        XCTAssertThrowsError(try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "padding", "value": "mirror"]))) { e in
            XCTAssertTrue("\(e)".hasPrefix("layers[0].padding:"), "\(e)")
        }
        XCTAssertEqual(s.stacks[0].spec, spec, "a refused edit changes nothing")
        _ = try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "filter", "value": "5"]))
        guard case .conv(let c) = s.stacks[0].spec.layers[0] else { return XCTFail() }
        XCTAssertEqual(c.filter, [5, 5])
    }

    func testGroupLayersAndSetGroup() throws {
        var s = Fixtures.smallState()
        s.selected = 1
        XCTAssertEqual(s.stacks[1].group?.name, "C4")
        _ = try s.perform(Invocation("stack.set-group", ["group": "D4"]))
        XCTAssertEqual(s.stacks[1].group?.name, "D4")
        XCTAssertNil(s.stacks[1].validation)
        // gconv with a different group than the lift is refused by the engine, inline.
        _ = try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "group", "value": "C2"]))
        XCTAssertEqual(s.stacks[1].validation?.path, "layers[2].group")
        // Even filters cannot turn about a centre.
        _ = try s.perform(Invocation("stack.set-group", ["group": "C4"]))
        _ = try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "filter", "value": "2,2"]))
        XCTAssertEqual(s.stacks[1].validation?.path, "layers[0].filter")
    }

    func testSO3LayersCanBeAddedAndEditedWithInlineValidation() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("data.choose", ["dataset": "sphere", "size": "4"]))
        XCTAssertEqual(s.data.inputShape, [8, 7, 1])
        _ = try s.perform(Invocation("stack.new", ["name": "sph", "preset": "empty"]))
        for (at, type) in ["s2_lift", "relu", "so3_conv", "relu", "so3_pool", "dense"].enumerated() {
            _ = try s.perform(Invocation("stack.add-layer", ["type": type, "at": String(at)]))
        }
        XCTAssertNil(s.currentStack?.validation, "\(String(describing: s.currentStack?.validation))")
        guard case .so3Conv(let sc) = s.currentStack!.spec.layers[2] else { return XCTFail() }
        XCTAssertEqual(sc.bandwidthIn, 4, "a new so3_conv takes the bandwidth of the features it receives")
        let fields = NamedStack.fields(of: s.currentStack!.spec.layers[0]).map(\.key)
        XCTAssertEqual(Array(fields.prefix(5)), ["W_std", "b_std", "bandwidth_in", "bandwidth_out", "max_beta"])
        XCTAssertEqual(NamedStack.fields(of: s.currentStack!.spec.layers[0]).first { $0.key == "max_beta" }?.value, "π")
        // Bad values are refused inline with the engine's located message; the stack is unchanged.
        let before = s.currentStack!.spec
        XCTAssertThrowsError(try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "max_beta", "value": "4"]))) { e in
            XCTAssertEqual("\(e)", "layers[0].max_beta: must be in (0, π]")
        }
        XCTAssertThrowsError(try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "bandwidth_out", "value": "0"]))) { e in
            XCTAssertEqual("\(e)", "layers[2].bandwidth_out: must be ≥ 1")
        }
        XCTAssertEqual(s.currentStack!.spec, before)
        // A structural mismatch is accepted as an edit and located by the stack validation.
        _ = try s.perform(Invocation("stack.set-param", ["layer": "0", "param": "bandwidth_out", "value": "3"]))
        XCTAssertEqual(s.currentStack?.validation?.path, "layers[2].bandwidth_in")
        _ = try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "bandwidth_in", "value": "3"]))
        XCTAssertNil(s.currentStack?.validation)
        _ = try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "max_beta", "value": "1.2"]))
        _ = try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "max_beta", "value": "pi"]))
        guard case .so3Conv(let sc2) = s.currentStack!.spec.layers[2] else { return XCTFail() }
        XCTAssertEqual(sc2.maxBeta, Double.pi)
        XCTAssertEqual(StackPane.layerSummary(s.currentStack!.spec.layers[0]), "s2_lift L4→3 W1.5 b0.05")
        _ = try s.perform(Invocation("stack.set-param", ["layer": "2", "param": "max_beta", "value": "1.2"]))
        XCTAssertEqual(StackPane.layerSummary(s.currentStack!.spec.layers[2]), "so3_conv L3→4 β≤1.2 W1.5 b0.05")
        // Sphere data: bandwidth ≤ 8, no square-group augmentation; back to images restores a size.
        XCTAssertThrowsError(try s.perform(Invocation("data.choose", ["size": "9"])))
        XCTAssertThrowsError(try s.perform(Invocation("data.choose", ["augment": "C4"])))
        _ = try s.perform(Invocation("data.choose", ["dataset": "synthetic"]))
        XCTAssertEqual(s.data.inputShape, [4, 4, 1], "L = 4 is a valid image size")
        _ = try s.perform(Invocation("data.choose", ["dataset": "sphere", "size": "2"]))
        _ = try s.perform(Invocation("data.choose", ["dataset": "textures"]))
        XCTAssertEqual(s.data.inputShape, [8, 8, 1], "L = 2 is too small for an image: back to 8")
    }

    func testSphereSignalsAreSeededAndClassesRotationInvariant() throws {
        let a = try SphericalSignals.make(count: 8, bandwidth: 3, classes: 4, seed: 1)
        let b = try SphericalSignals.make(count: 8, bandwidth: 3, classes: 4, seed: 1)
        XCTAssertEqual(a.images, b.images)
        XCTAssertEqual(a.shape, [6, 5, 1])
        XCTAssertEqual(a.labels, [0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertNotEqual(a.images, try SphericalSignals.make(count: 8, bandwidth: 3, classes: 4, seed: 2).images)
        let x = a.image(at: 0)
        let r = SphericalSignals.rotatedAboutZ(x, thetaCount: 6, phiCount: 5, channels: 1, steps: 2)
        XCTAssertEqual(SphericalSignals.rotatedAboutZ(r, thetaCount: 6, phiCount: 5, channels: 1, steps: 3), x, "5 steps = a full turn")
        XCTAssertEqual(r[0 * 5 + 2], x[0])
    }

    func testDataChooseValidatesAndSyncsInputShapes() throws {
        var s = Fixtures.smallState()
        _ = try s.perform(Invocation("data.choose", ["size": "10"]))
        XCTAssertTrue(s.stacks.allSatisfy { $0.spec.inputShape == [10, 10, 1] })
        XCTAssertThrowsError(try s.perform(Invocation("data.choose", ["classes": "9"])))
        XCTAssertThrowsError(try s.perform(Invocation("data.choose", ["augment": "C3"])))
        XCTAssertThrowsError(try s.perform(Invocation("data.choose", ["colour": "red"])))
        let o = try s.perform(Invocation("data.choose", ["augment": "c4"]))
        XCTAssertEqual(o.logged?.args["augment"], "C4")
        XCTAssertEqual(o.logged?.args.count, DataChoice.fieldNames.count, "data.choose records every field")
    }

    func testViewCommandsRequestComputationsAndRecordResolvedArguments() throws {
        var s = Fixtures.smallState()
        let o = try s.perform(Invocation("view.invariance"))
        XCTAssertEqual(o.effects.count, 2, "one invariance job per stack")
        XCTAssertEqual(o.logged?.args["group"], "C4")
        XCTAssertThrowsError(try s.perform(Invocation("view.pair", ["i": "0", "j": "99"])))
        let b = try s.perform(Invocation("view.symmetry-blocks", ["layer": "auto"]))
        XCTAssertEqual(b.effects.count, 1)
        XCTAssertEqual(b.logged?.args["layer"], "auto")
    }

    func testInputRoutingThroughKeys() {
        var s = Fixtures.smallState()
        s.focus = .stack
        _ = s.handle(.key(.char("a")))
        guard case .picker(let p)? = s.modal else { return XCTFail("a opens the layer picker") }
        XCTAssertEqual(p.purpose, .addLayer)
        _ = s.handle(.key(.down))   // lift
        _ = s.handle(.key(.down))   // gconv
        _ = s.handle(.key(.down))   // relu
        let o = s.handle(.key(.enter))
        XCTAssertNil(s.modal)
        XCTAssertEqual(o.logged.first?.args["type"], "relu")
        // Enter edits the selected layer; a bad value shows inline and the form stays open.
        s.selectedLayer = 0
        _ = s.handle(.key(.enter))
        guard case .edit? = s.modal else { return XCTFail("Enter opens the editor") }
        _ = s.handle(.key(.down)); _ = s.handle(.key(.down))   // W_std
        _ = s.handle(.key(.enter))
        _ = s.handle(.key(.ctrl("u")))
        for ch in "-2" { _ = s.handle(.key(.char(ch))) }
        _ = s.handle(.key(.enter))
        guard case .edit(let f)? = s.modal else { return XCTFail("the editor stays open on an error") }
        XCTAssertEqual(f.error, "layers[0].W_std: must be ≥ 0, got -2.0")
        _ = s.handle(.key(.escape)); _ = s.handle(.key(.escape))
        XCTAssertNil(s.modal)
        // Tab cycles panes; q without jobs quits.
        _ = s.handle(.key(.tab))
        XCTAssertEqual(s.focus, .data)
        let q = s.handle(.key(.char("q")))
        XCTAssertTrue(q.effects.contains { if case .quit = $0 { return true }; return false })
    }

    func testQuitAsksWhileJobsRunAndCtrlCCancelsInsteadOfQuitting() {
        var s = Fixtures.smallState()
        s.jobs = [JobSnapshot(id: 1, title: "Gram cnn", key: "k", status: .running, fraction: 0.5, elapsed: 1, eta: 1)]
        _ = s.handle(.key(.char("q")))
        XCTAssertEqual(s.modal, .confirmQuit)
        _ = s.handle(.key(.char("n")))
        XCTAssertNil(s.modal)
        let c = s.handle(.key(.ctrlC))
        XCTAssertTrue(c.effects.contains { if case .cancel(nil) = $0 { return true }; return false })
        XCTAssertFalse(c.effects.contains { if case .quit = $0 { return true }; return false })
    }
}
