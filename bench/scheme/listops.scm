;; listops: build a 1,000,000-element list, reverse it, sum it; several rounds.
(define n 1000000)

(define (build n)                       ; (0 1 ... n-1), by a loop
  (let loop ((i (- n 1)) (acc '()))
    (if (< i 0) acc (loop (- i 1) (cons i acc)))))

(define (sum l)
  (let loop ((l l) (s 0))
    (if (null? l) s (loop (cdr l) (+ s (car l))))))

(define (round-trip r)
  (let* ((l (build n))
         (rl (reverse l)))
    (+ (sum rl) (* r (car rl)) (length l))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (round-trip k)))))

(display "listops ") (display (repeat 10 0)) (newline)
