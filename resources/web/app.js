// desktop-cls web export: classify images and the webcam in the browser, offline, with ONNX Runtime Web.
//
// Everything arrives by <script> tags (runtime.js, model.js), because browsers refuse fetch() of file://
// URLs: the runtime's ES module is imported from an in-memory blob, its WebAssembly and the model are
// handed over as bytes. One thread (no SharedArrayBuffer without cross-origin isolation).
//
// Preprocessing repeats the app's own, step by step: alpha over white, Pillow's bilinear resize
// (antialiased, fixed-point, two passes in Pillow's order) ported exactly, float32 normalisation with
// the model's mean and std, then softmax(logits / temperature). The results therefore match
// `desktop-cls predict` on the same pixels; the pixels themselves come from the browser's decoder.
// A picture over 16 megapixels is first reduced by the app's whole factors (Pillow's reduce, ported exactly);
// a JPEG, which the app decodes at a reduced scale (Pillow's draft), is reduced by the same factor here, the
// closest a browser's full-size decode comes to it.
"use strict";
(function () {
  const MESSAGES = {
    en: {
      title: "Image classifier", loading: "Loading the model…",
      ready: "Ready: {n} classes. Everything runs in this browser; no image leaves this computer.",
      drop: "Drop images here, or click to choose them", cameraOn: "Start webcam", cameraOff: "Stop webcam",
      cameraError: "The webcam could not be opened: {error}", notImage: "{name}: not an image this browser can read",
      failed: "The model could not be loaded: {error}",
    },
    zh: {
      title: "图像分类器", loading: "正在加载模型…",
      ready: "就绪：{n} 个类别。全部在此浏览器中运行，图像不会离开这台电脑。",
      drop: "将图像拖放到这里，或点击选择", cameraOn: "打开摄像头", cameraOff: "关闭摄像头",
      cameraError: "无法打开摄像头：{error}", notImage: "{name}：此浏览器无法读取该图像",
      failed: "无法加载模型：{error}",
    },
  };
  const lang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  const t = (key, args) => MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_m, k) => String((args || {})[k]));
  const M = window.DESKTOP_CLS_MODEL;
  const PRECISION_BITS = 22;
  let session = null;
  window.desktopClsResults = [];

  function bytes(b64) {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  // Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter (support 1).
  function coefficients(inSize, outSize) {
    const scale = inSize / outSize;
    const filterscale = Math.max(scale, 1.0);
    const support = filterscale;
    const ss = 1.0 / filterscale;  // multiplied, as Pillow does: dividing by filterscale rounds differently
    const ksize = Math.ceil(support) * 2 + 1;
    const bounds = new Int32Array(outSize * 2);
    const kk = new Float64Array(outSize * ksize);
    for (let xx = 0; xx < outSize; xx++) {
      const center = (xx + 0.5) * scale;
      let xmin = Math.trunc(center - support + 0.5);
      if (xmin < 0) xmin = 0;
      let xmax = Math.trunc(center + support + 0.5);
      if (xmax > inSize) xmax = inSize;
      xmax -= xmin;
      const k = new Float64Array(ksize);
      let ww = 0.0;
      for (let x = 0; x < xmax; x++) {
        const d = Math.abs((x + xmin - center + 0.5) * ss);
        const w = d < 1.0 ? 1.0 - d : 0.0;
        k[x] = w;
        ww += w;
      }
      for (let x = 0; x < ksize; x++) {
        const v = (x < xmax && ww !== 0.0) ? k[x] / ww : (x < xmax ? k[x] : 0);
        kk[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS))
          : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
      }
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    return { ksize, bounds, kk };
  }

  function clip8(ss) {
    const v = Math.floor(ss / (1 << PRECISION_BITS));
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }

  // RGB planes (3 x h x w, uint8) resized along one axis; horizontal when `horizontal`.
  function pass(src, w, h, outW, outH, horizontal) {
    const c = coefficients(horizontal ? w : h, horizontal ? outW : outH);
    const out = new Uint8Array(3 * outW * outH);
    for (let ch = 0; ch < 3; ch++) {
      const inBase = ch * w * h, outBase = ch * outW * outH;
      for (let y = 0; y < outH; y++) {
        for (let x = 0; x < outW; x++) {
          const i = horizontal ? x : y;
          const min = c.bounds[i * 2], n = c.bounds[i * 2 + 1];
          let ss = 1 << (PRECISION_BITS - 1);
          for (let j = 0; j < n; j++) {
            const p = horizontal ? src[inBase + y * w + min + j] : src[inBase + (min + j) * w + x];
            ss += p * c.kk[i * c.ksize + j];
          }
          out[outBase + y * outW + x] = clip8(ss);
        }
      }
    }
    return out;
  }

  // RGBA pixels -> RGB planes, transparency over white as Pillow's alpha_composite computes it.
  function rgbPlanes(rgba, w, h) {
    const planes = new Uint8Array(3 * w * h);
    for (let i = 0; i < w * h; i++) {
      const a = rgba[i * 4 + 3];
      for (let ch = 0; ch < 3; ch++) {
        let v = rgba[i * 4 + ch];
        if (a === 0) v = 255;
        else if (a < 255) {
          const tmp = v * a * 128 + 255 * (255 - a) * 128 + (0x80 << 7);
          v = ((((tmp >> 8) + tmp) >> 8) >> 7);
        }
        planes[ch * w * h + i] = v;
      }
    }
    return planes;
  }

  // Pillow 13 runs the vertical pass first when the height shrinks more than twice as much as the
  // width; earlier versions always start with the horizontal one. The export records which it used.
  function resize(planes, w, h, outW, outH) {
    const verticalFirst = M.vertical_pass_first_rule && h - outH > 0 && h - outH > (w - outW) * 2;
    if (verticalFirst) {
      if (h !== outH) planes = pass(planes, w, h, w, outH, false);
      return w !== outW ? pass(planes, w, outH, outW, outH, true) : planes;
    }
    if (w !== outW) planes = pass(planes, w, h, outW, h, true);
    return h !== outH ? pass(planes, outW, h, outW, outH, false) : planes;
  }

  // Pillow's division_UINT32: 2^32 / (256 n) in single precision, truncated.
  function multiplier(n) {
    return Math.trunc(Math.fround(4294967296 / Math.fround(256 * n)));
  }

  // Pillow's MULDIV255: v * a / 255, rounded as its RGBA -> RGBa conversion does.
  function premultiplied(v, a) {
    const tmp = v * a + 128;
    return ((tmp >> 8) + tmp) >> 8;
  }

  // Pillow's Image.reduce(f) of RGBA pixels: on premultiplied alpha (RGBa), each f x f box (the last column's
  // and row's: what is left of theirs) summed and divided in Pillow's fixed point, then back to RGBA.
  function reduceRGBA(rgba, w, h, f) {
    const ow = Math.ceil(w / f), oh = Math.ceil(h / f), out = new Uint8Array(ow * oh * 4);
    const sums = new Float64Array(4);
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * f, y1 = Math.min(y0 + f, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * f, x1 = Math.min(x0 + f, w), n = (x1 - x0) * (y1 - y0), m = multiplier(n);
        sums.fill(Math.floor(n / 2));
        for (let y = y0; y < y1; y++) {
          for (let i = (y * w + x0) * 4, end = (y * w + x1) * 4; i < end; i += 4) {
            const a = rgba[i + 3];
            sums[0] += premultiplied(rgba[i], a);
            sums[1] += premultiplied(rgba[i + 1], a);
            sums[2] += premultiplied(rgba[i + 2], a);
            sums[3] += a;
          }
        }
        const o = (oy * ow + ox) * 4, a = Math.floor(sums[3] * m / 16777216);
        for (let c = 0; c < 3; c++) {
          const v = Math.floor(sums[c] * m / 16777216);
          out[o + c] = a === 255 || a === 0 ? v : Math.min(255, Math.floor(255 * v / a));
        }
        out[o + 3] = a;
      }
    }
    return { rgba: out, w: ow, h: oh };
  }

  // The scale Pillow's JPEG draft decodes at for the app's request (the model's larger side, squared).
  function draftScale(w, h) {
    const side = Math.max(...M.input_size), scale = Math.min(Math.floor(w / side), Math.floor(h / side));
    return [8, 4, 2].find((s) => scale >= s) || 1;
  }

  // The pixels the app decodes for the model (core/data/imaging.py): a JPEG at its draft scale, then a picture
  // over REDUCE_ABOVE_PIXELS shrunk to its small copy (core/data/small_copies.py) and reduced to a few times
  // the model's size (core/data/picture_view.py), each by a whole factor.
  function decodedForModel(rgba, w, h, jpeg) {
    const R = M.reduce, side = Math.max(...M.input_size);
    let pic = { rgba, w, h };
    const by = (f) => { if (f >= 2) pic = reduceRGBA(pic.rgba, pic.w, pic.h, f); };
    if (jpeg) by(draftScale(w, h));
    if (pic.w * pic.h > R.above_pixels && Math.min(pic.w, pic.h) >= 2 * R.small_side) {
      by(Math.floor(Math.min(pic.w, pic.h) / R.small_side));
    }
    if (pic.w * pic.h > R.above_pixels) by(Math.floor(Math.min(pic.w, pic.h) / Math.max(1, side * R.margin)));
    return pic;
  }

  // The box of the visible pixels (Pillow's getbbox of the alpha channel) of a picture that has transparent
  // ones; null when every pixel is opaque. A fully transparent picture keeps its whole canvas.
  function visibleBox(rgba, w, h) {
    let lowest = 255, x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const a = rgba[(y * w + x) * 4 + 3];
        if (a < lowest) lowest = a;
        if (a) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (lowest === 255) return null;
    return x1 < 0 ? [0, 0, w, h] : [x0, y0, x1 + 1, y1 + 1];
  }

  function crop(planes, w, h, [x0, y0, x1, y1]) {
    const cw = x1 - x0, ch = y1 - y0, out = new Uint8Array(3 * cw * ch);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < ch; y++) {
        const from = c * w * h + (y + y0) * w + x0;
        out.set(planes.subarray(from, from + cw), c * cw * ch + y * cw);
      }
    }
    return out;
  }

  // Python's round(): halves go to the even neighbour.
  function pyRound(v) {
    const r = Math.round(v);
    return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  // The app's network view (core/data/picture_view.py): a picture with transparent pixels is cut to its
  // visible part, scaled to fit with its shape kept and centred on white; any other picture is stretched.
  function networkView(rgba, w, h, outW, outH) {
    const planes = rgbPlanes(rgba, w, h);
    const box = visibleBox(rgba, w, h);
    if (box === null) return resize(planes, w, h, outW, outH);
    const cw = box[2] - box[0], ch = box[3] - box[1];
    const scale = Math.min(outW / cw, outH / ch);
    const nw = Math.max(1, pyRound(cw * scale)), nh = Math.max(1, pyRound(ch * scale));
    const part = resize(crop(planes, w, h, box), cw, ch, nw, nh);
    const out = new Uint8Array(3 * outW * outH).fill(255);
    const left = Math.floor((outW - nw) / 2), top = Math.floor((outH - nh) / 2);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < nh; y++) {
        const from = c * nw * nh + y * nw;
        out.set(part.subarray(from, from + nw), c * outW * outH + (y + top) * outW + left);
      }
    }
    return out;
  }

  // The model's view of decoded RGBA pixels: RGB planes, 3 x H x W uint8 (as `load_resized` gives them).
  function modelPixels(rgba, w, h, jpeg) {
    const [outH, outW] = M.input_size;
    const pic = decodedForModel(rgba, w, h, jpeg);
    return networkView(pic.rgba, pic.w, pic.h, outW, outH);
  }
  window.desktopClsModelPixels = modelPixels;  // to check the page against the app
  window.desktopClsReduce = reduceRGBA;

  function modelInput(rgba, w, h, jpeg) {
    const [outH, outW] = M.input_size;
    const planes = modelPixels(rgba, w, h, jpeg);
    const x = new Float32Array(3 * outH * outW);
    for (let ch = 0; ch < 3; ch++) {
      const m = Math.fround(M.mean[ch]), s = Math.fround(M.std[ch]);
      for (let i = 0; i < outH * outW; i++) {
        const v = Math.fround(planes[ch * outH * outW + i] / 255);
        x[ch * outH * outW + i] = Math.fround(Math.fround(v - m) / s);
      }
    }
    return x;
  }

  async function classify(rgba, w, h, k, jpeg) {
    const [outH, outW] = M.input_size;
    const ort = window.desktopClsOrt;
    const input = new ort.Tensor("float32", modelInput(rgba, w, h, jpeg), [1, 3, outH, outW]);
    const out = await session.run({ [session.inputNames[0]]: input });
    const logits = Array.from(out[session.outputNames[0]].data, (z) => z / M.temperature);
    const top = Math.max(...logits);
    const e = logits.map((z) => Math.exp(z - top));
    const sum = e.reduce((a, b) => a + b, 0);
    const probs = e.map((v) => v / sum);
    const order = probs.map((p, i) => i).sort((a, b) => probs[b] - probs[a]).slice(0, k);
    return order.map((i) => ({ label: M.classes[i], probability: probs[i] }));
  }

  function pixels(source, w, h) {
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true, colorSpace: "srgb" });
    ctx.drawImage(source, 0, 0);
    return ctx.getImageData(0, 0, w, h).data;
  }

  function renderTop(el, top) {
    el.replaceChildren();
    for (const { label, probability } of top) {
      const row = document.createElement("div");
      const text = document.createElement("div");
      text.className = "label";
      const name = document.createElement("span");
      name.textContent = label;
      const pct = document.createElement("span");
      pct.textContent = (probability * 100).toFixed(1) + " %";
      text.append(name, pct);
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.style.width = (probability * 100).toFixed(1) + "%";
      row.append(text, bar);
      el.append(row);
    }
  }

  // A file's RGBA pixels as this browser decodes them, and whether it is a JPEG (by content, as the app tells).
  async function decoded(file) {
    const bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
    const head = new Uint8Array(await file.slice(0, 3).arrayBuffer());
    const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    return { rgba: pixels(bitmap, bitmap.width, bitmap.height), w: bitmap.width, h: bitmap.height, jpeg };
  }
  window.desktopClsDecoded = decoded;  // to check the page against the app

  async function classifyFile(file) {
    const row = document.createElement("div");
    row.className = "row";
    const img = document.createElement("img");
    const result = document.createElement("div");
    row.append(img, result);
    document.getElementById("results").prepend(row);
    try {
      const pic = await decoded(file);
      img.src = URL.createObjectURL(file);
      const top = await classify(pic.rgba, pic.w, pic.h, Math.min(3, M.classes.length), pic.jpeg);
      renderTop(result, top);
      window.desktopClsResults.push({ name: file.name, label: top[0].label, confidence: top[0].probability, top_k: top });
    } catch (e) {
      result.className = "error";
      result.textContent = t("notImage", { name: file.name });
      window.desktopClsResults.push({ name: file.name, error: String(e) });
    }
  }

  async function classifyFiles(files) {
    for (const f of files) await classifyFile(f);
  }

  let stream = null;
  async function toggleCamera() {
    const button = document.getElementById("camera"), video = document.getElementById("video");
    if (stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
      document.getElementById("live").hidden = true;
      button.textContent = t("cameraOn");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (e) {
      document.getElementById("status").textContent = t("cameraError", { error: e.message || e });
      return;
    }
    video.srcObject = stream;
    document.getElementById("live").hidden = false;
    button.textContent = t("cameraOff");
    const loop = async () => {
      if (!stream) return;
      if (video.videoWidth > 0) {
        const top = await classify(pixels(video, video.videoWidth, video.videoHeight), video.videoWidth,
          video.videoHeight, Math.min(3, M.classes.length), false);
        renderTop(document.getElementById("liveResult"), top);
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  function wire() {
    const drop = document.getElementById("drop"), input = document.getElementById("files");
    document.title = M.title || t("title");
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.getElementById("title").textContent = M.title || t("title");
    document.getElementById("dropText").textContent = t("drop");
    document.getElementById("camera").textContent = t("cameraOn");
    document.getElementById("camera").hidden = !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    drop.addEventListener("click", () => input.click());
    drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
    input.addEventListener("change", () => classifyFiles(Array.from(input.files)));
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      classifyFiles(Array.from(e.dataTransfer.files));
    });
    document.getElementById("camera").addEventListener("click", toggleCamera);
  }

  async function start() {
    wire();
    const status = document.getElementById("status");
    status.textContent = t("loading");
    try {
      const R = window.DESKTOP_CLS_ORT;
      const ort = await import(URL.createObjectURL(new Blob([R.source], { type: "text/javascript" })));
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      ort.env.wasm.wasmBinary = bytes(R.wasm);
      window.desktopClsOrt = ort;
      session = await ort.InferenceSession.create(bytes(M.onnx), { executionProviders: ["wasm"] });
      status.textContent = t("ready", { n: M.classes.length });
      document.body.dataset.ready = "true";
    } catch (e) {
      status.textContent = t("failed", { error: e.message || e });
      document.body.dataset.ready = "failed";
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
