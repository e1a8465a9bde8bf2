import COpenBLAS

/// One finite convolution on a grid: a plain `conv`, a `lift` (Z² → Z² × G) or a `gconv`
/// (Z² × G → Z² × G), all realised as im2col + one dgemm.
///
/// Features are stored row-major as (y, x, g, c) — channels innermost, so every filter tap
/// reads a contiguous block of C_in values. For output row (t, r) and filter column
/// (tap δ′, group tap q′, c_in) the im2col matrix holds h(t + r·δ′, r·q′, c_in): the filter
/// ψ(δ′, q′) is evaluated at r⁻¹δ, r⁻¹q, exactly the lift/gconv definition
/// y(t, r) = Σ ψ(r⁻¹δ, r⁻¹q) h(t + δ, q). A plain conv is the case G = {identity}.
/// Then Y = (W_std/√K)·A·Ψᵀ + b_std·b with K = taps·|G_in|·C_in the fan-in.
struct SpatialLinearLayer: Sendable {
    let inH: Int, inW: Int, inG: Int, cin: Int
    let outH: Int, outW: Int, outG: Int, cout: Int
    /// Filter columns per row: taps·|G_in| blocks of C_in values.
    let blocks: Int
    /// `gather[row * blocks + b]`: offset of block b's C_in values in the input, or −1 for
    /// a zero-padded tap.
    let gather: [Int32]
    let affine: LinearScales

    /// Rows of the im2col matrix (output positions × output group elements).
    var rows: Int { outH * outW * outG }
    /// The fan-in K: columns of the im2col matrix.
    var fanIn: Int { blocks * cin }
    var inputCount: Int { inH * inW * inG * cin }
    var outputCount: Int { rows * cout }
    var weightCount: Int { cout * fanIn }

    /// Builds the gather table. `group` nil means a plain conv; `inG` = 1 with a group is a
    /// lift (the input has no group axis), `inG` = |G| a gconv reading all input elements.
    init(inH: Int, inW: Int, inG: Int, cin: Int, cout: Int, conv: LayerSpec.Convolution,
         group: PointGroup?, affine: LinearScales) {
        let kh = conv.filter[0], kw = conv.filter[1]
        let valid = conv.padding == .valid
        let outH = valid ? inH - kh + 1 : inH, outW = valid ? inW - kw + 1 : inW
        let elements = group?.elements ?? [Matrix2.identity]
        let outG = elements.count
        // Tap j reads out + base + (r·δ′) with δ′ = j − (k−1)/2: for r = identity this is
        // out + j − (k−1)/2 (same/circular) or out + j (valid), the WindowSum convention.
        let cy = (kh - 1) / 2, cx = (kw - 1) / 2
        let baseY = valid ? cy : 0, baseX = valid ? cx : 0
        let blocks = kh * kw * inG
        var gather = [Int32](repeating: -1, count: outH * outW * outG * blocks)
        for oy in 0..<outH {
            for ox in 0..<outW {
                for r in 0..<outG {
                    let row = (oy * outW + ox) * outG + r
                    let m = elements[r]
                    for jy in 0..<kh {
                        for jx in 0..<kw {
                            let (dy, dx) = m.apply(jy - cy, jx - cx)
                            var y = oy + baseY + dy, x = ox + baseX + dx
                            var inside = y >= 0 && y < inH && x >= 0 && x < inW
                            if !inside && conv.padding == .circular {
                                y = ((y % inH) + inH) % inH; x = ((x % inW) + inW) % inW
                                inside = true
                            }
                            for q in 0..<inG {
                                let b = (jy * kw + jx) * inG + q
                                guard inside else { continue }
                                // Input group element r·q′ (gconv); a lift input has one element.
                                let g = inG == 1 ? 0 : (group?.table[r][q] ?? q)
                                gather[row * blocks + b] = Int32(((y * inW + x) * inG + g) * cin)
                            }
                        }
                    }
                }
            }
        }
        self.inH = inH; self.inW = inW; self.inG = inG; self.cin = cin
        self.outH = outH; self.outW = outW; self.outG = outG; self.cout = cout
        self.blocks = blocks; self.gather = gather; self.affine = affine
    }

    /// The im2col matrix (rows × fanIn) of input `h`.
    func im2col(_ h: UnsafeBufferPointer<Double>) -> [Double] {
        let k = fanIn, c = cin, nb = blocks
        var a = [Double](repeating: 0, count: rows * k)
        a.withUnsafeMutableBufferPointer { ap in
            gather.withUnsafeBufferPointer { gp in
                guard let dst = ap.baseAddress, let src = h.baseAddress, let g = gp.baseAddress else { return }
                for i in 0..<(rows * nb) {
                    let off = Int(g[i])
                    if off >= 0 { (dst + i * c).update(from: src + off, count: c) }
                }
            }
        }
        return a
    }

    /// Y = scale·A·Ψᵀ + b_std·b, laid out (y, x, g, c_out).
    func forward(im2col a: [Double], params: UnsafeBufferPointer<Double>, offset: Int) -> [Double] {
        let m = rows, n = cout, k = fanIn
        var y = [Double](repeating: 0, count: m * n)
        let psi = params.baseAddress.map { $0 + offset }
        a.withUnsafeBufferPointer { ap in
            y.withUnsafeMutableBufferPointer { yp in
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                            affine.weightScale(fanIn: k), ap.baseAddress, Int32(k), psi, Int32(k), 0, yp.baseAddress, Int32(n))
                if let bs = affine.bStd {
                    let bo = offset + weightCount
                    for row in 0..<m { for c in 0..<n { yp[row * n + c] += bs * params[bo + c] } }
                }
            }
        }
        return y
    }

    /// Backpropagation: writes ∂f/∂Ψ (and ∂f/∂b) into `grad` at `offset` and returns ∂f/∂h.
    func backward(im2col a: [Double], dy: [Double], params: UnsafeBufferPointer<Double>, offset: Int,
                  grad: UnsafeMutableBufferPointer<Double>) -> [Double] {
        let m = rows, n = cout, k = fanIn, c = cin, nb = blocks
        let scale = affine.weightScale(fanIn: k)
        var da = [Double](repeating: 0, count: m * k)
        var dh = [Double](repeating: 0, count: inputCount)
        a.withUnsafeBufferPointer { ap in
            dy.withUnsafeBufferPointer { dyp in
                // ∂f/∂Ψ = g_w·dYᵀ·A  (cout × K)
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(n), Int32(k), Int32(m),
                            affine.weightGradientScale(fanIn: k), dyp.baseAddress, Int32(n), ap.baseAddress, Int32(k),
                            0, grad.baseAddress.map { $0 + offset }, Int32(k))
                if affine.bStd != nil {
                    let gb = affine.biasGradientScale
                    let bo = offset + weightCount
                    for ch in 0..<n {
                        var s = 0.0
                        for row in 0..<m { s += dyp[row * n + ch] }
                        grad[bo + ch] = gb * s
                    }
                }
                // ∂f/∂A = scale·dY·Ψ  (rows × K)
                da.withUnsafeMutableBufferPointer { dap in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(k), Int32(n),
                                scale, dyp.baseAddress, Int32(n), params.baseAddress.map { $0 + offset }, Int32(k),
                                0, dap.baseAddress, Int32(k))
                }
            }
        }
        // col2im: scatter-add each block back to where it was read from.
        da.withUnsafeBufferPointer { dap in
            dh.withUnsafeMutableBufferPointer { dhp in
                gather.withUnsafeBufferPointer { gp in
                    guard let src = dap.baseAddress, let dst = dhp.baseAddress, let g = gp.baseAddress else { return }
                    for i in 0..<(m * nb) {
                        let off = Int(g[i])
                        guard off >= 0 else { continue }
                        cblas_daxpy(Int32(c), 1, src + i * c, 1, dst + off, 1)
                    }
                }
            }
        }
        return dh
    }
}
